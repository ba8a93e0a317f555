package io.hookrelay.receiver;

import static io.hookrelay.receiver.WebhookVerificationException.Reason.MALFORMED_BODY;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The Standard Webhooks payload envelope {@code {"type": ..., "timestamp": ..., "data": {...}}}.
 *
 * <p>The envelope is a convention rather than part of what is signed, so a member the body does not
 * have is {@code null} here instead of a verification failure; Hookrelay always sends all three.
 *
 * @param type      the event type, e.g. {@code "invoice.paid"}, or {@code null} if absent
 * @param timestamp the event's own timestamp string as sent (not parsed), or {@code null} if absent
 * @param data      the {@code data} value as raw JSON text, exactly as in the body, or {@code null}
 * @param json      the whole body as text (validated UTF-8, validated JSON object)
 */
public record WebhookEvent(String type, String timestamp, String data, String json) {

    public WebhookEvent {
        java.util.Objects.requireNonNull(json, "json");
    }

    static WebhookEvent parse(byte[] body) throws WebhookVerificationException {
        String json = decodeUtf8(body);
        Map<String, StrictJson.Value> members;
        try {
            members = StrictJson.readObject(json);
        } catch (IllegalArgumentException e) {
            throw new WebhookVerificationException(MALFORMED_BODY, "body is not a JSON object: " + e.getMessage());
        }
        StrictJson.Value data = members.get("data");
        return new WebhookEvent(stringMember(members, "type"), stringMember(members, "timestamp"),
                data == null ? null : data.json(), json);
    }

    private static String stringMember(Map<String, StrictJson.Value> members, String name)
            throws WebhookVerificationException {
        StrictJson.Value value = members.get(name);
        if (value == null) {
            return null;
        }
        if (value.string() == null) {
            throw new WebhookVerificationException(MALFORMED_BODY, "body member '" + name + "' is not a string");
        }
        return value.string();
    }

    private static String decodeUtf8(byte[] body) throws WebhookVerificationException {
        // new String(bytes, UTF_8) would silently substitute U+FFFD; a strict decoder rejects bad bytes.
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new WebhookVerificationException(MALFORMED_BODY, "body is not valid UTF-8");
        }
    }
}
