package org.zkbank.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A generated section of a markdown file such as BENCHMARKS.md: the text between the
 * lines {@code <!-- generated: NAME -->} and {@code <!-- end generated: NAME -->}.
 * Writing one replaces only what stands between its markers and leaves everything around
 * them, the hand-written text and the other sections, as it is. A file without the
 * markers gets them, with the section, at its end; markers that do not pair up are an
 * error, never guessed at.
 * <p>
 * Also the command {@code scripts/footprint.sh} runs: arguments {@code FILE NAME}, the
 * section's text on standard input.
 */
public final class GeneratedSection {

	private static final Pattern NAME = Pattern.compile("[a-z][a-z-]*");

	private final String name;

	GeneratedSection(String name) {
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("a section name is lower-case letters and dashes, not '" + name + "'");
		}
		this.name = name;
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 2) {
			throw new IllegalArgumentException("arguments: FILE NAME, with the section's text on standard input");
		}
		String section = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
		new GeneratedSection(args[1]).write(Path.of(args[0]), section);
	}

	String startMarker() {
		return "<!-- generated: " + this.name + " -->";
	}

	String endMarker() {
		return "<!-- end generated: " + this.name + " -->";
	}

	/**
	 * Replaces the section in the file, or adds it at the end; creates the file when
	 * there is none.
	 */
	void write(Path file, String section) throws IOException {
		String text = Files.exists(file) ? Files.readString(file) : "";
		Files.writeString(file, replace(text, section));
	}

	/**
	 * The text with the section between the markers replaced, or with the marked section
	 * added at its end.
	 */
	String replace(String text, String section) {
		String start = startMarker();
		String end = endMarker();
		String marked = start + "\n\n" + section.strip() + "\n\n" + end;
		int from = text.indexOf(start);
		int to = text.indexOf(end);
		if (from < 0 && to < 0) {
			return (text.isBlank() ? "" : text.stripTrailing() + "\n\n") + marked + "\n";
		}
		if (from < 0 || to < from || text.indexOf(start, from + 1) >= 0 || text.indexOf(end, to + 1) >= 0) {
			throw new IllegalStateException("the markers of section '" + this.name + "' do not pair up: one line "
					+ start + " followed by one line " + end);
		}
		return text.substring(0, from) + marked + text.substring(to + end.length());
	}

}
