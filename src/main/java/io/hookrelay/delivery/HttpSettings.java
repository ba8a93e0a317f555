package io.hookrelay.delivery;

/** The fixed knobs of a {@link WebhookHttpClient}, shared by each of its exchanges. */
record HttpSettings(long connectTimeoutMillis, long totalTimeoutMillis, int maxExcerptBytes, String userAgent) {}
