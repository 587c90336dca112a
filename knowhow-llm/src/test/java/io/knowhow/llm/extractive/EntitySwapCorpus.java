package io.knowhow.llm.extractive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * A seeded corpus of look-alike products for testing entity swaps: plans named by two words drawn from
 * small vocabularies ("Amber Falcon", "Prism Lantern"), so that every word of a swapped name ("Amber
 * Lantern") occurs in the corpus, just not together. Each plan has a price, a launch office, a launch
 * year and an owner, written in one of two phrasings each, some by a pronoun ("It was launched by …"),
 * one file per plan. Values are distinct across plans, so a quoted value tells which plan it came from.
 *
 * <p>Questions come in three kinds: about a plan that exists (answerable: the answer must quote its value
 * and no other plan's), about a swapped name (both words in the corpus, the name not), and about an unknown
 * name (words the corpus lacks). The last two must be abstained on. Shared by {@code EntitySwapTest} and
 * the bench's {@code EntitySwapBench}.
 */
public final class EntitySwapCorpus {
    /** The attributes a plan has, with the question asked about each. */
    public enum Attribute {
        PRICE("How much does the %s plan cost per month?"),
        OFFICE("Which office launched the %s plan?"),
        YEAR("In which year was the %s plan launched?"),
        OWNER("Who owns the %s plan?");

        private final String question;

        Attribute(String question) {
            this.question = question;
        }

        public String question(String name) {
            return String.format(Locale.ROOT, question, name);
        }
    }

    /** One plan: its name and a value per {@link Attribute}, in that order. */
    public record Plan(String name, String price, String office, String year, String owner) {
        public String value(Attribute a) {
            return switch (a) {
                case PRICE -> price;
                case OFFICE -> office;
                case YEAR -> year;
                case OWNER -> owner;
            };
        }
    }

    /** What a question is, and for an answerable one the plan it asks about. */
    public enum Kind { TRUE, SWAPPED, UNKNOWN }

    /**
     * @param plan      the plan asked about, null for swapped and unknown names
     */
    public record Question(Kind kind, Attribute attribute, String name, String text, Plan plan) {}

    /** A file of the corpus. */
    public record Doc(String fileName, String text) {}

    private static final List<String> FIRST = List.of("Amber", "Prism", "Tidal", "Copper", "Silver", "Crimson", "Velvet",
            "Granite", "Maple", "Orchid", "Harbor", "Northern");
    private static final List<String> SECOND = List.of("Falcon", "Lantern", "Ridge", "Summit", "Willow", "Comet", "Meadow",
            "Beacon", "Anchor", "Quartz");
    private static final List<String> UNKNOWN_FIRST = List.of("Cobalt", "Saffron", "Indigo", "Juniper");
    private static final List<String> UNKNOWN_SECOND = List.of("Heron", "Glacier", "Mosaic", "Pillar");
    private static final List<String> CITIES = List.of("Porto", "Lyon", "Oslo", "Krakow", "Dublin", "Tallinn", "Bilbao", "Graz",
            "Turin", "Ghent", "Aarhus", "Leipzig", "Malmo", "Split", "Bergen", "Cork", "Utrecht", "Basel", "Brno", "Nantes",
            "Seville", "Tampere", "Riga", "Vilnius", "Lausanne", "Bologna", "Antwerp", "Gdansk", "Zagreb", "Salzburg");
    private static final List<String> GIVEN = List.of("Maria", "Jonas", "Aiko", "Pedro", "Lena", "Omar", "Ines", "Tomas",
            "Sara", "Viktor", "Nadia", "Felix");
    private static final List<String> FAMILY = List.of("Santos", "Berg", "Tanaka", "Costa", "Novak", "Haddad", "Moreau",
            "Lindqvist", "Rossi", "Kowalski", "Okafor", "Brennan");

    private final List<Plan> plans;
    private final List<Doc> docs;
    private final List<Question> questions;

    private EntitySwapCorpus(List<Plan> plans, List<Doc> docs, List<Question> questions) {
        this.plans = plans;
        this.docs = docs;
        this.questions = questions;
    }

    /**
     * @param plans how many plans (at most 30)
     * @param seed  the seed of every random choice; the same seed gives the same corpus
     */
    public static EntitySwapCorpus generate(int plans, long seed) {
        if (plans < 2 || plans > CITIES.size()) throw new IllegalArgumentException("plans must be in [2, " + CITIES.size() + "], got " + plans);
        Random rnd = new Random(seed);
        List<String> names = new ArrayList<>();
        for (String a : FIRST) for (String b : SECOND) names.add(a + " " + b);
        Collections.shuffle(names, rnd);
        List<String> cities = new ArrayList<>(CITIES);
        Collections.shuffle(cities, rnd);
        Set<Integer> prices = new LinkedHashSet<>(), years = new LinkedHashSet<>();
        while (prices.size() < plans) prices.add(5 + rnd.nextInt(195));
        while (years.size() < plans) years.add(1995 + rnd.nextInt(30));
        List<Integer> priceList = new ArrayList<>(prices), yearList = new ArrayList<>(years);
        List<String> owners = new ArrayList<>();
        for (String g : GIVEN) for (String f : FAMILY) owners.add(g + " " + f);
        Collections.shuffle(owners, rnd);

        List<Plan> out = new ArrayList<>();
        List<Doc> docs = new ArrayList<>();
        for (int i = 0; i < plans; i++) {
            Plan p = new Plan(names.get(i), "$" + priceList.get(i), cities.get(i), String.valueOf(yearList.get(i)), owners.get(i));
            out.add(p);
            docs.add(new Doc(p.name().toLowerCase(Locale.ROOT).replace(' ', '-') + ".txt", describe(p, rnd)));
        }

        Set<String> used = new LinkedHashSet<>();
        for (Plan p : out) used.add(p.name());
        List<Question> questions = new ArrayList<>();
        for (Plan p : out) {
            String[] w = p.name().split(" ");
            // A swap keeps one word and takes the other from another plan, so both occur in the corpus.
            String swapped = null;
            for (int tries = 0; swapped == null && tries < 50; tries++) {
                String[] o = out.get(rnd.nextInt(out.size())).name().split(" ");
                String candidate = rnd.nextBoolean() ? w[0] + " " + o[1] : o[0] + " " + w[1];
                if (!used.contains(candidate)) swapped = candidate;
            }
            String unknown = rnd.nextBoolean() ? UNKNOWN_FIRST.get(rnd.nextInt(UNKNOWN_FIRST.size())) + " " + UNKNOWN_SECOND.get(rnd.nextInt(UNKNOWN_SECOND.size()))
                    : UNKNOWN_FIRST.get(rnd.nextInt(UNKNOWN_FIRST.size())) + " " + w[1];
            for (Attribute a : Attribute.values()) {
                questions.add(new Question(Kind.TRUE, a, p.name(), a.question(p.name()), p));
                if (swapped != null) questions.add(new Question(Kind.SWAPPED, a, swapped, a.question(swapped), null));
                questions.add(new Question(Kind.UNKNOWN, a, unknown, a.question(unknown), null));
            }
        }
        return new EntitySwapCorpus(List.copyOf(out), List.copyOf(docs), List.copyOf(questions));
    }

    /** A plan's file: its four facts in one of two phrasings each, in a shuffled order after the first. */
    private static String describe(Plan p, Random rnd) {
        String price = rnd.nextBoolean() ? "The " + p.name() + " plan costs " + p.price() + " per month."
                : "The " + p.name() + " plan is billed at " + p.price() + " per month, charged yearly.";
        List<String> rest = new ArrayList<>(List.of(
                rnd.nextBoolean() ? "It was launched by the " + p.office() + " office." : "The " + p.office() + " office launched the plan.",
                rnd.nextBoolean() ? "The plan launched in " + p.year() + "." : "It went on sale in " + p.year() + ", after a year of beta tests.",
                rnd.nextBoolean() ? "Its owner is " + p.owner() + "." : p.owner() + " owns the plan and approves its changes."));
        Collections.shuffle(rest, rnd);
        return price + " " + String.join(" ", rest);
    }

    public List<Plan> plans() {
        return plans;
    }

    public List<Doc> docs() {
        return docs;
    }

    public List<Question> questions() {
        return questions;
    }

    /**
     * True when {@code answer} answers {@code q} correctly: it quotes the plan's value and no other plan's
     * value of the same attribute.
     */
    public boolean correct(Question q, String answer) {
        if (q.plan() == null || !answer.contains(q.plan().value(q.attribute()))) return false;
        for (Plan p : plans) {
            if (p != q.plan() && containsValue(answer, p.value(q.attribute()))) return false;
        }
        return true;
    }

    private static boolean containsValue(String answer, String value) {
        // "$4" must not be found inside "$49"
        return answer.matches("(?s).*" + java.util.regex.Pattern.quote(value) + "(?![0-9]).*");
    }
}
