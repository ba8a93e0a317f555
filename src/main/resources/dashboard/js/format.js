// Small formatting helpers shared by the views.

export function time(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

export function relative(iso) {
  if (!iso) return 'never';
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (Number.isNaN(seconds)) return String(iso);
  const future = seconds < 0;
  const abs = Math.abs(seconds);
  let text;
  if (abs < 5) return 'just now';
  if (abs < 60) text = `${abs} s`;
  else if (abs < 3600) text = `${Math.round(abs / 60)} min`;
  else if (abs < 86400) text = `${Math.round(abs / 3600)} h`;
  else text = `${Math.round(abs / 86400)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

export function millis(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

export function percent(ratio) {
  if (ratio === null || ratio === undefined) return '—';
  return `${(ratio * 100).toFixed(ratio >= 0.999 || ratio === 0 ? 0 : 1)} %`;
}

export function count(n) {
  if (n === null || n === undefined) return '—';
  return Number(n).toLocaleString();
}

export function shortId(id) {
  return id ? String(id).slice(-12) : '—';
}

/** Several durations in one unit, e.g. "80 / 227 / 244 ms" or "1.2 / 3.4 / 9.9 s". */
export function millisList(values) {
  if (values.every((v) => v === null || v === undefined)) return '—';
  const max = Math.max(...values.filter((v) => typeof v === 'number'));
  const one = (v) => {
    if (typeof v !== 'number') return '—';
    return max < 1000 ? String(Math.round(v)) : (v / 1000).toFixed(1);
  };
  return `${values.map(one).join(' / ')} ${max < 1000 ? 'ms' : 's'}`;
}
