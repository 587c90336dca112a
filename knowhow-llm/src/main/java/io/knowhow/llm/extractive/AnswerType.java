package io.knowhow.llm.extractive;

import java.util.regex.Pattern;

/**
 * The kind of value a question asks for, when its words say so: a sentence without such a value does
 * not answer it, however many of the question's words it shares ("How much does the Team plan cost?"
 * is not answered by "Team customers get a first response within one business day").
 *
 * <p>The patterns run over evidence sentences, which a hostile file makes hundreds of kilobytes long: every repetition
 * is bounded, and a pattern that matches a run of characters starts only where the run starts, so each run costs a
 * bounded number of steps (an unbounded "{3,}" overflowed the stack on a 600,000-digit line, and an e-mail pattern
 * without that boundary tried every position of a 600,000-letter one).
 */
enum AnswerType {
    /** "How much does … cost", "what is the price", "多少钱": an amount of money, or "free". */
    MONEY(Pattern.compile("(?i)[$€£¥]|\\d|\\b(?:free|euros?|dollars?|pounds?|cents?|usd|eur|gbp|chf|yuan)\\b|元|免费|块")),
    /** "When …", "what year", "什么时候", "wann", "quand": a year, date, weekday, month, time of day or other number. */
    TIME(Pattern.compile("(?i)\\d|\\b(?:january|february|march|april|may|june|july|august|september|october|november|december|"
            + "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
            + "weekdays?|weekends?|daily|weekly|monthly|yearly|annually|morning|evening|night|noon|midnight|today|tomorrow|yesterday|"
            + "century|centuries|decade|era|age|spring|summer|autumn|fall|winter|before|after|during|until|since|when|ago|"
            + "once|first|last|early|late|later|recently|then|now|year|years|month|months|week|weeks|day|days|hours?|minutes?)\\b"
            // Weekdays as habits: "served on Fridays"
            + "|(?i)\\b(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays|mornings|evenings|nights|afternoons)\\b"
            // Clock times in words: "opens at eight", "closes by ten o'clock", "half past nine"
            + "|(?i)\\b(?:at|by|from|until|till|before|after)\\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\\b"
            + "|(?i)o'clock|\\bhalf\\s+past\\b|\\bquarter\\s+(?:past|to)\\b|\\b[ap]\\.?m\\.?(?=\\s|$|[,;.])"
            // German and French: months, weekdays, clock and calendar words
            + "|(?i)\\b(?:januar|februar|märz|mai|juni|juli|oktober|dezember|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
            + "uhr|morgens|abends|täglich|wöchentlich|jährlich|tage?n?|wochen?|monate?n?|jahre?n?|"
            + "janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|lundi|mardi|mercredi|jeudi|vendredi|"
            + "samedi|dimanche|heures?|jours?|semaines?|mois|années?)\\b"
            + "|[年月日号点周时]|星期|[一二三四五六七八九十〇零两]")),
    /** "How many …", "几个", "wie viele", "combien de": a number, in digits or words. */
    COUNT(Pattern.compile("(?i)\\d|\\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
            + "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|"
            + "thousand|thousands|million|millions|billion|billions|dozen|dozens|several|few|many|no|none|single|both|"
            + "couple|pair|half|double|twice|once|multiple|numerous|"
            + "eine?[nmrs]?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|zwölf|zwanzig|hundert|tausend|keine?[nmrs]?|"
            + "une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|vingt|cent|mille|aucune?)\\b|[一二三四五六七八九十百千万两〇零]")),
    /** "What is the IT desk's email address?", "邮箱地址", "E-Mail-Adresse": an email address, as written. */
    EMAIL(Pattern.compile("(?<![\\p{L}\\p{N}._%+\\-])[\\p{L}\\p{N}._%+\\-]{1,64}@[\\p{L}\\p{N}\\-]{1,63}(?:\\.[\\p{L}\\p{N}\\-]{1,63}){0,8}\\.\\p{L}{2,24}")),
    /** "What is the URL of the travel portal?", "网址": a web address. */
    URL(Pattern.compile("(?i)\\bhttps?://|\\bwww\\.|(?<![\\p{L}\\p{N}\\-.])[\\p{L}\\p{N}\\-]{1,63}(?:\\.[\\p{L}\\p{N}\\-]{1,63}){0,8}\\.(?:com|org|net|io|dev|app|edu|gov|info|eu|de|fr|uk|cn|ch|at|nl|co)\\b")),
    /**
     * "What is the IT desk's phone number?", "电话是多少", "Durchwahl": a number one can dial — four or more digits (spaces,
     * dashes, dots, brackets and a leading + allowed) or four or more Chinese numerals; "room 203" is not one.
     */
    PHONE(Pattern.compile("\\+?\\d(?:[\\s\\-./()]{0,2}\\d){3}|[一二三四五六七八九〇零两]{4}")),
    /** No constraint the words reveal. */
    ANY(null);

    private final Pattern evidence;

    AnswerType(Pattern evidence) {
        this.evidence = evidence;
    }

    /**
     * Numbers that label rather than count: "room 203", "floor 2", "the 3rd", "Raum 2.14", "第二", "地下二层", "203室".
     * "How many parking spaces …?" is not answered by "The car park is on the second basement floor (地下二层)".
     */
    private static final Pattern LABEL_NUMBER = Pattern.compile("(?i)\\b(?:room|floor|level|suite|building|gate|platform|page|chapter|"
            + "section|article|no\\.|number|raum|zimmer|stock|etage|nr\\.)\\s*#?\\d[\\w.\\-]*|#\\d+|\\b\\d+(?:st|nd|rd|th)\\b"
            + "|第[一二三四五六七八九十百千万两〇零\\d]{1,12}|(?<![一二三四五六七八九十百千万两〇零\\d])[一二三四五六七八九十百千万两〇零\\d]{1,12}(?:层|楼|室|号)");

    /** True when {@code sentence} holds a value of this kind. */
    boolean foundIn(String sentence) {
        if (evidence == null) return true;
        return evidence.matcher(this == COUNT ? LABEL_NUMBER.matcher(sentence).replaceAll(" ") : sentence).find();
    }
}
