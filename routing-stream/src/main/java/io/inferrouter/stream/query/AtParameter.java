package io.inferrouter.stream.query;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The {@code at} query parameter of {@code GET /v1/pools/{namespace}/{name}?at=}: an RFC 3339 time with
 * its offset ({@code 2026-12-02T13:13:19Z}, {@code 2026-12-02T14:13:19.250+01:00}), not in the future.
 */
public final class AtParameter {

    // A '+' left unencoded in a query string arrives as a space: "...19 01:00" meant "...19+01:00".
    private static final Pattern SPACE_FOR_PLUS = Pattern.compile(" (\\d{2}:\\d{2})$");

    private AtParameter() {
    }

    /**
     * @param raw the parameter as the query string gave it
     * @param now the time the query is answered; {@code at} may not be after it
     * @throws IllegalArgumentException saying what is wrong, for a 400
     */
    public static Instant parse(String raw, Instant now) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("query parameter 'at' is empty; give an RFC 3339 time such as "
                    + "2026-12-02T13:13:19Z");
        }
        String text = SPACE_FOR_PLUS.matcher(raw.strip()).replaceFirst("+$1");
        Instant at;
        try {
            at = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("query parameter 'at' is not an RFC 3339 time with an offset: '" + raw
                    + "' (for example 2026-12-02T13:13:19Z or 2026-12-02T14:13:19.250+01:00; encode '+' as %2B)");
        }
        if (at.isAfter(now)) {
            throw new IllegalArgumentException("query parameter 'at' is in the future: " + at + " is after now ("
                    + now + "); the tables are known only up to now");
        }
        return at;
    }
}
