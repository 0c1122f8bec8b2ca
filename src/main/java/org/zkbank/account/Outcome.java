package org.zkbank.account;

/** How an operation ended. */
public enum Outcome {

	/** Applied once. */
	COMMITTED("committed"),

	/**
	 * Not applied: it would take the balance below zero or beyond what the deposit
	 * stores.
	 */
	REJECTED("rejected"),

	/** Certainly not applied. */
	FAILED("failed"),

	/**
	 * Applied once or not at all: its reply was lost and this instance could not settle
	 * which (stopped, timed out or forgotten). Never sent again; the audit explains the
	 * balance either way.
	 */
	UNKNOWN("unknown");

	private final String tag;

	Outcome(String tag) {
		this.tag = tag;
	}

	/** The lower-case name used in logs and metric tags. */
	public String tag() {
		return this.tag;
	}

}
