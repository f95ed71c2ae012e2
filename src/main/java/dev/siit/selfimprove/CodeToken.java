package dev.siit.selfimprove;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One code token of a level-coded identifier, {@code <c_7>}: level letter {@code c} (level 2,
 * counting from {@code a} = 0) and code 7. The letter fixes the level, so a token can only ever
 * appear at one position of an identifier; the self-improving loop relies on this to constrain
 * regeneration per level and to name the collision-breaking level ({@code <e_0>}, ...).
 *
 * @param level 0-based level ({@code a} = 0, ..., {@code z} = 25)
 * @param code  index of the code within its level
 */
public record CodeToken(int level, int code) {
    private static final Pattern FORMAT = Pattern.compile("<([a-z])_(\\d{1,9})>");

    public CodeToken {
        if (level < 0 || level >= 26) {
            throw new IllegalArgumentException("level must be in 0..25 (letters a..z), got " + level);
        }
        if (code < 0) {
            throw new IllegalArgumentException("code must be >= 0, got " + code);
        }
    }

    /** Parses {@code <c_7>}; throws IllegalArgumentException naming the token otherwise. */
    public static CodeToken parse(String token) {
        Matcher m = FORMAT.matcher(token);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a level-coded token like <a_12>: " + token);
        }
        return new CodeToken(m.group(1).charAt(0) - 'a', Integer.parseInt(m.group(2)));
    }

    /** Whether {@code token} has the {@code <x_N>} form. */
    public static boolean isCodeToken(String token) {
        return FORMAT.matcher(token).matches();
    }

    /** The level of {@code token} ({@code <c_7>} -> 2). */
    public static int levelOf(String token) {
        return parse(token).level();
    }

    public char letter() {
        return (char) ('a' + level);
    }

    @Override
    public String toString() {
        return "<" + letter() + "_" + code + ">";
    }
}
