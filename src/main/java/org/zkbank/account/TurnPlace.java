package org.zkbank.account;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One place in the line for turns ({@link TurnQueue}): the instance that waits in it, and
 * its sequence number.
 *
 * @param name the node's name, {@code <instance>-<sequence>}
 * @param instance the customer instance
 * @param sequence ZooKeeper's sequence number: the parent's child version, a signed
 * 32-bit counter that wraps, written with at least ten digits
 */
record TurnPlace(String name, String instance, int sequence) {

	/** The digits ZooKeeper appends to a sequential node's name, a sign included. */
	private static final int SEQUENCE_DIGITS = 10;

	/**
	 * The places among the given names, in sequence order. Sequences are compared
	 * relative to one of them, so that the order holds across the counter's wrap while
	 * the places in line span less than half its range. Foreign names are left out.
	 */
	static List<TurnPlace> inOrder(List<String> names) {
		List<TurnPlace> places = new ArrayList<>(names.size());
		for (String name : names) {
			TurnPlace place = parse(name);
			if (place != null) {
				places.add(place);
			}
		}
		if (!places.isEmpty()) {
			int reference = places.get(0).sequence();
			places.sort(Comparator.comparingInt((place) -> place.sequence() - reference));
		}
		return places;
	}

	/**
	 * The place a node's name stands for, {@code null} for a name the bank does not make.
	 * Past the wrap, ZooKeeper writes the sign before the ten digits.
	 */
	static TurnPlace parse(String name) {
		TurnPlace place = parse(name, SEQUENCE_DIGITS + 1);
		return (place != null) ? place : parse(name, SEQUENCE_DIGITS);
	}

	private static TurnPlace parse(String name, int digits) {
		int cut = name.length() - digits;
		if (cut < 2 || name.charAt(cut - 1) != '-') {
			return null;
		}
		try {
			return new TurnPlace(name, name.substring(0, cut - 1), Integer.parseInt(name.substring(cut)));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
