package io.hookrelay.config;

/** A setting is missing or malformed; the message names it and is printed before the service exits. */
public final class ConfigException extends StartupFailure {
    public ConfigException(String message) {
        super(message);
    }
}
