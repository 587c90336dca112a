package io.knowhow.eval.advise;

import io.knowhow.core.model.SourceChange;
import io.knowhow.core.model.SourceRecord;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The knowledge base's ingest history, from which {@link ChangeFrequency#measure} reads how often knowledge changes.
 *
 * <p>Two sources: the store's change log (every add, update and removal, when the store keeps one — plug it in
 * with {@link #of}), or, for a store without one, {@link #fromLastIngest}: each source's last write time, which shows at
 * least one change per day on which some source was last rewritten — a lower bound.
 */
public interface ChangeHistory {
    /** The changes, oldest first. */
    List<SourceChange> changes();

    /** How the history was obtained, for the advice's reason ("change log", "last-ingest times (a lower bound)"). */
    String basis();

    /** A complete change log, e.g. {@code ChangeHistory.of(catalog.changes().stream().map(c -> new SourceChange(...)).toList(), "change log")}. */
    static ChangeHistory of(List<SourceChange> changes, String basis) {
        List<SourceChange> sorted = changes.stream().sorted(Comparator.comparing(SourceChange::at)).toList();
        return new ChangeHistory() {
            @Override
            public List<SourceChange> changes() {
                return sorted;
            }

            @Override
            public String basis() {
                return basis;
            }
        };
    }

    /**
     * The history as far as {@code SourceRecord.ingestedAt} tells it: sources last written on the first day are
     * taken as added, those last written on a later day as updated then.
     */
    static ChangeHistory fromLastIngest(List<SourceRecord> sources) {
        List<SourceRecord> dated = sources.stream().filter(s -> s.ingestedAt() != null).sorted(Comparator.comparing(SourceRecord::ingestedAt)).toList();
        List<SourceChange> out = new ArrayList<>();
        if (!dated.isEmpty()) {
            Instant firstDay = dated.get(0).ingestedAt().atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).toInstant();
            for (SourceRecord s : dated) {
                boolean first = s.ingestedAt().atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).toInstant().equals(firstDay);
                out.add(new SourceChange(s.ingestedAt(), s.source(), first ? SourceChange.Kind.ADDED : SourceChange.Kind.UPDATED, s.contentHash()));
            }
        }
        return of(out, "each source's last ingest time (a lower bound: earlier rewrites of a source are not recorded)");
    }
}
