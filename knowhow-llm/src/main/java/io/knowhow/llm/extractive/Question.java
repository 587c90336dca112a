package io.knowhow.llm.extractive;

import io.knowhow.analysis.AnalyzedText;
import io.knowhow.analysis.EnglishCjkAnalyzer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a question asks, as far as a model-free answerer can tell: its content terms, the names it
 * mentions (which a quoted sentence's passage must contain as written, word for word), and the kind of
 * value a "how much" or "when" question wants.
 *
 * @param terms    distinct analysed content terms of the question
 * @param mentions names, codes, quoted strings and amounts the question mentions, in order
 * @param answerType the kind of value the answer must hold
 * @param yesNo    true for a yes/no question ("Does the Starter plan include single sign-on?"): only a
 *                 sentence that states most of it answers it
 * @param valueTerms the terms that name the value asked for ("email", "address" of "What is the IT desk's email
 *                 address?"): a sentence holding such a value covers them without saying them
 */
record Question(Set<String> terms, List<Mention> mentions, AnswerType answerType, boolean yesNo, Set<String> valueTerms) {

    /**
     * A name the question mentions.
     *
     * @param surface the words as written in the question
     * @param phrase  their analysed form, matched as a phrase
     * @param head    the analysed word right after a capitalised name ("plan" in "the Amber Falcon plan"),
     *                null when there is none: when a passage has the name followed by that word, the word
     *                is part of the name there, not part of what is asked
     * @param literal the amount as written, spaces removed ("$49"), for an amount of money: analysis drops
     *                the currency sign, and "49 seats" is not "$49"; null for other mentions
     */
    record Mention(String surface, AnalyzedText phrase, String head, String literal) {}

    /** Words that start an instruction rather than a name ("Name the …", "List …"). */
    private static final Set<String> IMPERATIVES = Set.of("tell", "list", "name", "give", "describe", "explain", "show",
            "define", "please", "find", "summarise", "summarize", "compare", "identify");

    /** Nouns of "which/what NOUN" that ask for a time rather than for the noun itself. */
    private static final Set<String> TIME_FOCUS = Set.of("year", "years", "date", "day", "month", "time", "century", "decade",
            "season", "era", "period", "week", "hour");

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]{2,80})\"|“([^”]{2,80})”|「([^」]{1,80})」|『([^』]{1,80})』|«\\s*([^»]{2,80}?)\\s*»");
    /** A code: letters and digits in one word, possibly with hyphens ("SKU-4411", "SEV2", "v3.2"). */
    private static final Pattern CODE = Pattern.compile("(?<![\\p{L}\\p{N}])(?=[\\p{L}\\-_./]*\\p{N})(?=[\\p{N}\\-_./]*\\p{L})[\\p{L}\\p{N}][\\p{L}\\p{N}\\-_./]*[\\p{L}\\p{N}](?![\\p{L}\\p{N}])");
    /** An amount with its unit or currency ("$49", "4 hours", "500 MB", "99.95%"). */
    private static final Pattern AMOUNT = Pattern.compile("(?i)(?:[$€£¥]\\s?\\d[\\d,.]*|\\d[\\d,.]*\\s?(?:%|percent\\b|(?:ms|seconds?|minutes?|hours?|days?|weeks?|months?|years?|"
            + "kb|mb|gb|tb|pb|kg|g|km|m|cm|mm|miles?|euros?|dollars?|pounds?|yuan|usd|eur|gbp)\\b))");
    private static final Pattern CURRENCY = Pattern.compile("[$€£¥]");
    /** A number on its own ("1066", "3.2"). */
    private static final Pattern NUMBER = Pattern.compile("(?<![\\p{L}\\p{N}])\\d(?:[\\d,.]*\\d)?(?![\\p{L}\\p{N}])");
    /** A word, with inner apostrophes, hyphens, dots and ampersands ("Lumen's", "U.S", "V&A"). */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}](?:[\\p{L}\\p{N}'’\\-]|[.&](?=[\\p{L}\\p{N}]))*");
    private static final Pattern FOCUS = Pattern.compile("(?i)\\b(?:which|what)\\s+(?:of\\s+the\\s+)?([\\p{L}-]+)");
    private static final Pattern HOW_MUCH = Pattern.compile("(?i)\\bhow\\s+much\\b|\\b(?:price|cost|costs|fee|fees|charge|charges|pay|paid)\\b");
    private static final Pattern MONEY_WORD = Pattern.compile("(?i)\\b(?:price|cost|costs|fee|fees|charge|charged|pay|paid|spend|spent|worth)\\b");
    private static final Pattern WHEN = Pattern.compile("(?i)^\\s*(?:when\\b|since\\s+when\\b|until\\s+when\\b)|\\bwhen\\s+(?:did|does|do|was|were|is|are|will|has|had)\\b");
    private static final Pattern YES_NO = Pattern.compile("(?i)^(?:does|do|did|is|are|was|were|can|could|will|would|has|have|had|should|may|must)\\b");
    private static final Pattern HOW_MANY = Pattern.compile("(?i)\\bhow\\s+many\\b|\\bwie\\s+viele\\b|\\bcombien\\s+(?:de|d['’])");
    /** German and French: "wie viel kostet", "combien coûte"; "wann", "quand"; the same kinds of value. */
    private static final Pattern OTHER_MONEY = Pattern.compile("(?i)\\bwie\\s+viel\\s+(?:kostet|kosten|zahlt)\\b|\\b(?:was|welchen?)\\s+(?:kostet|preis)\\b|\\bcombien\\s+(?:co[uû]te|co[uû]tent|paye)\\b|\\bquel\\s+est\\s+le\\s+prix\\b");
    private static final Pattern OTHER_TIME = Pattern.compile("(?i)^\\s*(?:wann|quand)\\b|\\b(?:seit|bis)\\s+wann\\b|\\b[àa]\\s+quelle\\s+heure\\b|\\bin\\s+welchem\\s+jahr\\b|\\ben\\s+quelle\\s+ann[ée]e\\b");
    /** Chinese question words: removed before analysis, so no bigram straddles a question word and a content word. */
    private static final Pattern CJK_QUESTION_WORDS = Pattern.compile("什么时候|什么地方|为什么|是什么|什么|哪一年|哪年|哪天|哪里|哪儿|哪个|哪些|哪家|哪位|"
            + "多少钱|多少|多长时间|多久|多长|几点|几个|几|谁|怎么样|怎么|怎样|如何|是否|何时|何地|请问|吗|呢");
    private static final Pattern CJK_PARTICLES = Pattern.compile("[的了]");
    private static final Pattern CJK_TIME = Pattern.compile("什么时候|哪一年|哪年|哪天|几点|何时");
    private static final String WHAT = "\\b(?:what|which)(?:'s|’s|\\s+is|\\s+are)\\b";
    private static final Pattern WHAT_IS = Pattern.compile("(?i)" + WHAT);
    private static final Asked EMAIL_ASKED = askedFor("\\be-?mail[\\s-]*address(?:es)?\\b", "e-?mails?",
            "\\b(?:e-?mail-?adresse|mailadresse|adresse\\s+(?:e-?)?mail|courriel)\\b|邮箱地址|电子邮件地址|邮件地址|邮箱是|电子邮箱");
    private static final Asked URL_ASKED = askedFor("\\b(?:url|web\\s*address|web-?adresse|internetadresse|adresse\\s+web)\\b",
            "website|web\\s+site|homepage|link", "网址|网站地址|链接是");
    private static final Asked PHONE_ASKED = askedFor("\\b(?:tele)?phone\\s+(?:number|extension)s?\\b|\\bextension\\s+number\\b", "(?:tele)?phone",
            "\\b(?:telefonnummer|durchwahl|rufnummer)\\b|\\bnum[ée]ro\\s+de\\s+t[ée]l[ée]phone\\b|电话号码|电话是|分机号");
    /** The words that name an address or a phone number, wherever they stand in the question. */
    private static final Pattern ADDRESS_WORDS = Pattern.compile("(?i)\\be-?mails?(?:[\\s-]*address(?:es)?)?\\b|\\b(?:url|web\\s*address|website|web\\s+site|homepage|link)\\b"
            + "|\\b(?:e-?mail-?adresse|mailadresse|adresse|courriel|web-?adresse|internetadresse)\\b|邮箱地址|电子邮件地址|邮件地址|邮箱|电子邮箱|网址|网站地址|链接"
            + "|\\b(?:tele)?phone(?:\\s+(?:number|extension)s?)?\\b|\\bextension(?:\\s+number)?\\b|\\b(?:telefonnummer|durchwahl|rufnummer|t[ée]l[ée]phone)\\b|电话号码|电话|分机号|分机");
    private static final Pattern CJK_MONEY = Pattern.compile("多少钱|价格|费用|售价");
    private static final Pattern CJK_COUNT = Pattern.compile("多少|几个|几");

    static Question parse(String question, EnglishCjkAnalyzer analyzer) {
        String text = question.strip();
        // Particles go, joining their neighbours ("培训的地点" → "培训地点", as the evidence writes it); question
        // words become a break, so no bigram straddles one and a content word.
        String cjkClean = CJK_QUESTION_WORDS.matcher(CJK_PARTICLES.matcher(text).replaceAll("")).replaceAll("，");
        Set<String> terms = Passage.agentive(AnalyzedText.of(analyzer, cjkClean).terms());
        List<Mention> mentions = new ArrayList<>();
        boolean[] taken = new boolean[text.length()];
        for (Matcher m = QUOTED.matcher(text); m.find(); ) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) add(mentions, taken, text, m.start(g), m.end(g), analyzer, false);
            }
        }
        for (Matcher m = AMOUNT.matcher(text); m.find(); ) add(mentions, taken, text, m.start(), m.end(), analyzer, false);
        for (int i = 0; i < mentions.size(); i++) {
            Mention m = mentions.get(i);
            if (CURRENCY.matcher(m.surface()).lookingAt()) mentions.set(i, new Mention(m.surface(), m.phrase(), m.head(), m.surface().replaceAll("\\s+", "")));
        }
        for (Matcher m = CODE.matcher(text); m.find(); ) add(mentions, taken, text, m.start(), m.end(), analyzer, false);
        capitalised(text, analyzer, mentions, taken);
        for (Matcher m = NUMBER.matcher(text); m.find(); ) add(mentions, taken, text, m.start(), m.end(), analyzer, false);
        AnswerType type = answerType(text);
        Set<String> valueTerms = new LinkedHashSet<>();
        if (type == AnswerType.EMAIL || type == AnswerType.URL || type == AnswerType.PHONE) {
            for (Matcher m = ADDRESS_WORDS.matcher(cjkClean); m.find(); )
                valueTerms.addAll(Passage.agentive(AnalyzedText.of(analyzer, m.group()).terms()));
            valueTerms.retainAll(terms);
            // "URL", "E-Mail" are written like names but name the kind of value, which the evidence need not spell out.
            mentions.removeIf(m -> !m.phrase().terms().isEmpty() && valueTerms.containsAll(m.phrase().terms()));
        }
        return new Question(terms, List.copyOf(mentions), type, YES_NO.matcher(text).find(), Set.copyOf(valueTerms));
    }

    /** The analysed terms of every mention. */
    Set<String> mentionTerms() {
        Set<String> out = new LinkedHashSet<>();
        for (Mention m : mentions) out.addAll(m.phrase().terms());
        return Passage.agentive(out);
    }

    /**
     * Runs of capitalised words (and numbers right after them: "Super Bowl 50"). A stop word counts only in
     * capitals ("IT"); a clause's first word only as the start of a longer run, since every question's
     * first word is capitalised ("Approximately how many …").
     */
    private static void capitalised(String text, EnglishCjkAnalyzer analyzer, List<Mention> out, boolean[] taken) {
        List<int[]> words = new ArrayList<>();
        for (Matcher m = WORD.matcher(text); m.find(); ) words.add(new int[] {m.start(), m.end()});
        int i = 0;
        while (i < words.size()) {
            if (!nameWord(text, words.get(i), analyzer) || taken[words.get(i)[0]]) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < words.size() && !taken[words.get(j)[0]] && text.substring(words.get(j - 1)[1], words.get(j)[0]).isBlank()
                    && (nameWord(text, words.get(j), analyzer) || Character.isDigit(text.charAt(words.get(j)[0])))) j++;
            boolean first = i == 0 || clauseStart(text, words.get(i - 1)[1], words.get(i)[0]);
            if (!(first && j == i + 1)) {
                int start = words.get(i)[0];
                String surface = text.substring(start, words.get(j - 1)[1]).replaceAll("['’]s$", "");
                add(out, taken, text, start, start + surface.length(), analyzer, true);
            }
            i = j;
        }
    }

    private static boolean nameWord(String text, int[] word, EnglishCjkAnalyzer analyzer) {
        String w = text.substring(word[0], word[1]);
        if (!Character.isUpperCase(w.codePointAt(0))) return false;
        if (capitals(w)) return true;
        String lower = w.toLowerCase(Locale.ROOT);
        return !analyzer.stopWords().contains(lower) && !IMPERATIVES.contains(lower);
    }

    private static boolean clauseStart(String text, int prevEnd, int start) {
        String between = text.substring(prevEnd, start);
        return between.contains(":") || between.contains(".") || between.contains("?") || between.contains("!") || between.contains("\"");
    }

    private static boolean capitals(String w) {
        int letters = 0;
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (Character.isLetter(c)) {
                if (!Character.isUpperCase(c)) return false;
                letters++;
            }
        }
        return letters >= 2;
    }

    private static void add(List<Mention> out, boolean[] taken, String text, int start, int end, EnglishCjkAnalyzer analyzer, boolean name) {
        for (int i = start; i < end; i++) if (taken[i]) return;
        AnalyzedText phrase = AnalyzedText.of(analyzer, text.substring(start, end));
        if (phrase.isEmpty()) return;
        for (int i = start; i < end; i++) taken[i] = true;
        String head = null;
        if (name) {
            Matcher next = WORD.matcher(text);
            if (next.find(end) && text.substring(end, next.start()).isBlank() && Character.isLowerCase(next.group().codePointAt(0))) {
                AnalyzedText h = AnalyzedText.of(analyzer, next.group());
                if (h.tokens().size() == 1) head = h.tokens().get(0).term();
            }
        }
        out.add(new Mention(text.substring(start, end), phrase, head, null));
    }

    /**
     * Whether a question asks for the value a word names: by its full name ({@code named}: "email address"), as the
     * last word of a what-question ("What is the IT desk's email?"), as "What's the email of/for …", or in other
     * languages' words; "How do I change my email signature?" asks for none. The last-word test is a pattern of its
     * own, anchored at the end: one pattern spanning "what … email?" backtracked over the whole question from every
     * "what is" in it.
     */
    private record Asked(Pattern anywhere, Pattern last) {
        boolean in(String text) {
            return anywhere.matcher(text).find() || last.matcher(text).find() && WHAT_IS.matcher(text).find();
        }
    }

    private static Asked askedFor(String named, String word, String otherLanguages) {
        return new Asked(Pattern.compile("(?i)" + named + "|" + WHAT + "\\s+(?:the\\s+)?(?:" + word
                + ")\\s+(?:of|for)\\b|" + otherLanguages), Pattern.compile("(?i)\\b(?:" + word + ")\\s*[?？]?\\s*$"));
    }

    private static AnswerType answerType(String text) {
        // An address is asked for by name ("email address", "URL"), or as the last word of a what-question ("What is
        // the IT desk's email?"); "How do I change my email signature?" asks for none.
        if (EMAIL_ASKED.in(text)) return AnswerType.EMAIL;
        if (URL_ASKED.in(text)) return AnswerType.URL;
        if (PHONE_ASKED.in(text)) return AnswerType.PHONE;
        if (CJK_MONEY.matcher(text).find()) return AnswerType.MONEY;
        if (CJK_TIME.matcher(text).find()) return AnswerType.TIME;
        if (HOW_MUCH.matcher(text).find() && MONEY_WORD.matcher(text).find() || OTHER_MONEY.matcher(text).find()) return AnswerType.MONEY;
        if (WHEN.matcher(text).find() || OTHER_TIME.matcher(text).find()) return AnswerType.TIME;
        Matcher f = FOCUS.matcher(text);
        if (f.find() && TIME_FOCUS.contains(f.group(1).toLowerCase(Locale.ROOT))) return AnswerType.TIME;
        if (HOW_MANY.matcher(text).find() || CJK_COUNT.matcher(text).find()) return AnswerType.COUNT;
        return AnswerType.ANY;
    }
}
