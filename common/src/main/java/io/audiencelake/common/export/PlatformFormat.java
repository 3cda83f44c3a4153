package io.audiencelake.common.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.audiencelake.common.feeds.IdType;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How an {@link DestinationKind#HTTP_BATCH} destination's requests look: one constant per platform's customer-list
 * API, with the identifier types it can match, the normalisation it expects of each and the request body of one
 * batch. Every batch holds one segment's adds or removes of one identifier type.
 *
 * <p>The lake keeps email as SHA-256 of the trimmed, lower-cased address and phone as SHA-256 of E.164 with its
 * {@code +} (feeds/Normalise), and never the clear value, so a platform whose rule differs from that cannot be fed
 * from the lake: such a pairing is refused when destinations.yaml is read rather than sent and never matched.
 */
public enum PlatformFormat {
    /**
     * A neutral body for platforms or middleware without a listed format:
     * {@code {"audience", "action", "id_type", "ids": [...]}}, POSTed for adds and removes alike.
     */
    GENERIC {
        @Override
        ObjectNode body(String audience, String action, IdType type, List<String> ids) {
            ObjectNode body = JSON.createObjectNode();
            body.put("audience", audience);
            body.put("action", action);
            body.put("id_type", type.key() + (type.hashed() ? "_sha256" : ""));
            ArrayNode values = body.putArray("ids");
            ids.forEach(values::add);
            return body;
        }
    },

    /**
     * Meta Marketing API custom audience users ({@code /{custom_audience_id}/users}): POST adds, DELETE removes, body
     * {@code {"payload": {"schema": ..., "data": [...]}}} of at most 10,000 rows. EMAIL_SHA256 is SHA-256 of the
     * trimmed, lower-cased address (ours); MOBILE_ADVERTISER_ID is sent unhashed in lower case. Meta hashes phones as
     * digits only (no {@code +}), which our hash of E.164 is not: phone is refused.
     */
    META_CUSTOM_AUDIENCES {
        @Override
        Optional<String> unsupported(IdType type) {
            return switch (type) {
                case EMAIL, MAID -> Optional.empty();
                case PHONE ->
                    Optional.of("Meta hashes phones as digits without '+', and the lake keeps only SHA-256 of E.164 "
                            + "with '+'; send email or maid");
                default -> Optional.of("Meta custom audiences take email (SHA-256) or maid here");
            };
        }

        @Override
        String method(String action) {
            return action.equals(ExportTables.REMOVE) ? "DELETE" : "POST";
        }

        @Override
        String value(IdType type, String stored) {
            return type == IdType.MAID ? stored.toLowerCase(Locale.ROOT) : stored;
        }

        @Override
        ObjectNode body(String audience, String action, IdType type, List<String> ids) {
            ObjectNode body = JSON.createObjectNode();
            ObjectNode payload = body.putObject("payload");
            payload.put("schema", type == IdType.MAID ? "MOBILE_ADVERTISER_ID" : "EMAIL_SHA256");
            ArrayNode data = payload.putArray("data");
            ids.forEach(id -> data.add(value(type, id)));
            return body;
        }
    },

    /**
     * Google Ads API Customer Match ({@code OfflineUserDataJobService.AddOfflineUserDataJobOperations}): one
     * {@code create} or {@code remove} operation per identifier, {@code hashedEmail} (SHA-256 of the trimmed,
     * lower-cased address: ours), {@code hashedPhoneNumber} (SHA-256 of E.164 with '+': ours) or {@code mobileId},
     * with partial failure on so one bad identifier does not refuse its batch.
     */
    GOOGLE_CUSTOMER_MATCH {
        @Override
        Optional<String> unsupported(IdType type) {
            return switch (type) {
                case EMAIL, PHONE, MAID -> Optional.empty();
                default -> Optional.of("Google Customer Match takes email, phone (SHA-256) or maid here");
            };
        }

        @Override
        ObjectNode body(String audience, String action, IdType type, List<String> ids) {
            ObjectNode body = JSON.createObjectNode();
            body.put("enablePartialFailure", true);
            ArrayNode operations = body.putArray("operations");
            String field = switch (type) {
                case EMAIL -> "hashedEmail";
                case PHONE -> "hashedPhoneNumber";
                default -> "mobileId";
            };
            String operation = action.equals(ExportTables.REMOVE) ? "remove" : "create";
            for (String id : ids) {
                ObjectNode identifier = JSON.createObjectNode().put(field, value(type, id));
                operations
                        .addObject()
                        .putObject(operation)
                        .putArray("userIdentifiers")
                        .add(identifier);
            }
            return body;
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why the platform cannot match this identifier type as the lake keeps it, or empty when it can. */
    Optional<String> unsupported(IdType type) {
        return Optional.empty();
    }

    /** The HTTP method of a batch of {@code action} (add or remove). */
    String method(String action) {
        return "POST";
    }

    /** A stored identifier as the platform wants it (stored values are already normalised, emails and phones hashed). */
    String value(IdType type, String stored) {
        return stored;
    }

    /** The JSON body of one batch: {@code ids} of one type, to add to or remove from {@code audience}. */
    abstract ObjectNode body(String audience, String action, IdType type, List<String> ids);

    /** {@link #body} as the bytes sent. */
    byte[] bodyBytes(String audience, String action, IdType type, List<String> ids) {
        try {
            return JSON.writeValueAsBytes(body(audience, action, type, ids));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not render a batch", e);
        }
    }
}
