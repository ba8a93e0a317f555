package io.hookrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the machine's CPU went between two moments: the service process, every PostgreSQL process (the
 * server's backends, walwriter, checkpointer, autovacuum...), this bench JVM (receiver and load) and the rest,
 * read from /proc. Printed per 1,000 deliveries, it shows which side a faster engine has to save on.
 */
final class CpuAccount {

    /** Clock ticks per second of /proc times; 100 on Linux for as long as it has been configurable. */
    private static final double TICKS = 100.0;

    record Snapshot(long service, long postgres, long bench, long busy, long total) {
    }

    record Spent(double serviceSeconds, double postgresSeconds, double benchSeconds, double otherSeconds,
                 double idleSeconds) {

        String per(long units, String unit) {
            double k = units / 1000.0;
            return String.format("CPU ms per 1,000 %s: service %.0f, PostgreSQL %.0f, bench (receiver, load) %.0f,"
                            + " other %.0f; idle %.1f s of %d cores", unit, 1000 * serviceSeconds / k,
                    1000 * postgresSeconds / k, 1000 * benchSeconds / k, 1000 * otherSeconds / k, idleSeconds,
                    Runtime.getRuntime().availableProcessors());
        }
    }

    private CpuAccount() {
    }

    static Snapshot snapshot(long servicePid) {
        long postgres = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path dir : (Iterable<Path>) processes::iterator) {
                String name = dir.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && "postgres".equals(command(dir))) {
                    postgres += ticks(dir);
                }
            }
        } catch (IOException e) {
            postgres = -1;
        }
        long[] machine = machine();
        return new Snapshot(servicePid > 0 ? ticks(Path.of("/proc/" + servicePid)) : 0, postgres,
                ticks(Path.of("/proc/" + ProcessHandle.current().pid())), machine[0], machine[1]);
    }

    static Spent between(Snapshot from, Snapshot to) {
        double service = (to.service() - from.service()) / TICKS;
        double postgres = (to.postgres() - from.postgres()) / TICKS;
        double bench = (to.bench() - from.bench()) / TICKS;
        double busy = (to.busy() - from.busy()) / TICKS;
        double idle = ((to.total() - from.total()) - (to.busy() - from.busy())) / TICKS;
        return new Spent(service, postgres, bench, Math.max(0, busy - service - postgres - bench), idle);
    }

    /** utime + stime of one process in clock ticks, 0 once it has gone; for processes the bench started itself. */
    static long processTicks(long pid) {
        return ticks(Path.of("/proc/" + pid));
    }

    /**
     * Every tick one PostgreSQL server has spent: its postmaster, its living children (backends, walwriter,
     * checkpointer, autovacuum...), and through the postmaster's cutime/cstime the children it has reaped, so a
     * backend that ended inside the window is not lost. Counting one server's tree rather than every process
     * named postgres keeps other servers on the machine (other benches, tests) out of the figure.
     */
    static long postgresServerTicks(long postmasterPid) {
        Path postmaster = Path.of("/proc/" + postmasterPid);
        long total = ticks(postmaster) + reapedChildrenTicks(postmaster);
        Optional<ProcessHandle> handle = ProcessHandle.of(postmasterPid);
        if (handle.isPresent()) {
            for (ProcessHandle child : (Iterable<ProcessHandle>) handle.get().children()::iterator) {
                total += ticks(Path.of("/proc/" + child.pid()));
            }
        }
        return total;
    }

    /**
     * The ticks of one server's living backends connected to {@code database}, found by their process title
     * ("postgres: user database host(port) state"). On a server shared with other work this is the part that is
     * surely this run's; backends that ended during the window are missing from it.
     */
    static long postgresDatabaseTicks(long postmasterPid, String database) {
        long total = 0;
        Optional<ProcessHandle> handle = ProcessHandle.of(postmasterPid);
        if (handle.isPresent()) {
            for (ProcessHandle child : (Iterable<ProcessHandle>) handle.get().children()::iterator) {
                Path dir = Path.of("/proc/" + child.pid());
                String[] title = commandLine(dir).trim().split("\\s+");
                // "postgres:", the user, then the database (a cluster name may come first, "15/main:").
                for (int i = 1; i + 1 < title.length && i <= 2; i++) {
                    if (title[i + 1].equals(database) && !title[i].endsWith(":")) {
                        total += ticks(dir);
                        break;
                    }
                }
            }
        }
        return total;
    }

    /** Busy and total ticks of the whole machine, all cores together. */
    static long[] machineTicks() {
        return machine();
    }

    static double seconds(long ticks) {
        return ticks / TICKS;
    }

    private static String commandLine(Path dir) {
        try {
            return new String(Files.readAllBytes(dir.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** cutime + cstime: what the process's reaped children spent. */
    private static long reapedChildrenTicks(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String command(Path dir) {
        try {
            return Files.readString(dir.resolve("comm")).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** utime + stime of a process (its threads included), in clock ticks; 0 once it has gone. */
    private static long ticks(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            // The command name may hold spaces and parentheses: fields are counted after its last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Busy and total ticks of the whole machine, from the first line of /proc/stat. */
    private static long[] machine() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                long value = Long.parseLong(fields[i]);
                total += value;
                if (i == 4 || i == 5) {
                    idle += value;
                }
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
