package io.knowhow.eval.advise;

import io.knowhow.core.model.SourceChange;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How often the knowledge changes, in the words of {@code advise --changes}, with the changes a month each stands
 * for in the cost model (daily 30, weekly 52/12, monthly 1, yearly 1/12, never 0).
 */
public enum ChangeFrequency {
    DAILY(30), WEEKLY(52.0 / 12), MONTHLY(1), YEARLY(1.0 / 12), NEVER(0);

    /** Shortest history that says anything about a rate. */
    public static final Duration MIN_HISTORY = Duration.ofDays(14);
    private static final double DAYS_PER_MONTH = 365.25 / 12;

    private final double perMonth;

    ChangeFrequency(double perMonth) {
        this.perMonth = perMonth;
    }

    public double changesPerMonth() {
        return perMonth;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Weekly or more often: the reference's step 1 answers yes. */
    public boolean weeklyOrMore() {
        return this == DAILY || this == WEEKLY;
    }

    public static ChangeFrequency parse(String s) {
        for (ChangeFrequency f : values()) if (f.label().equalsIgnoreCase(s.strip())) return f;
        throw new IllegalArgumentException("--changes must be daily, weekly, monthly, yearly or never; got '" + s + "'");
    }

    /** The word for a measured rate: ≥ 15 change days a month daily, ≥ 3.5 weekly, ≥ 0.75 monthly, above 0 yearly. */
    public static ChangeFrequency ofRate(double changeDaysPerMonth) {
        if (changeDaysPerMonth >= 15) return DAILY;
        if (changeDaysPerMonth >= 3.5) return WEEKLY;
        if (changeDaysPerMonth >= 0.75) return MONTHLY;
        if (changeDaysPerMonth > 0) return YEARLY;
        return NEVER;
    }

    /**
     * A measurement from the history.
     *
     * @param frequency   the word
     * @param perMonth    days with a change per month of history
     * @param changeDays  days with a change after the first ingest day
     * @param historyDays days from the first recorded change to now
     * @param basis       where the history came from
     */
    public record Measured(ChangeFrequency frequency, double perMonth, int changeDays, double historyDays, String basis) {}

    /**
     * Measures the rate: days (UTC) with an add, update or removal after the first ingest day, per month of history.
     * Empty when the history is shorter than {@link #MIN_HISTORY} (the reason is then the caller's to give).
     */
    public static Optional<Measured> measure(ChangeHistory history, Instant now) {
        if (history.changes().isEmpty()) return Optional.empty();
        Instant first = history.changes().get(0).at();
        double days = Duration.between(first, now).toSeconds() / 86_400.0;
        if (days < MIN_HISTORY.toDays()) return Optional.empty();
        LocalDate firstDay = LocalDate.ofInstant(first, ZoneOffset.UTC);
        Set<LocalDate> changeDays = new TreeSet<>();
        for (SourceChange c : history.changes()) {
            LocalDate d = LocalDate.ofInstant(c.at(), ZoneOffset.UTC);
            if (d.isAfter(firstDay)) changeDays.add(d);
        }
        double perMonth = changeDays.size() / (days / DAYS_PER_MONTH);
        return Optional.of(new Measured(ofRate(perMonth), perMonth, changeDays.size(), days, history.basis()));
    }

    /** Days of history recorded so far (0 when none), for the "too short" reason. */
    public static double historyDays(ChangeHistory history, Instant now) {
        if (history.changes().isEmpty()) return 0;
        return Duration.between(history.changes().get(0).at(), now).toSeconds() / 86_400.0;
    }
}
