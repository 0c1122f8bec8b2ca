package org.zkbank.account;

/**
 * The shared deposit cannot be used right now. Never a version conflict: conflicts are
 * outcomes ({@link CommitResult}), not exceptions.
 */
public class DepositException extends RuntimeException {

	/** Why the deposit cannot be used. */
	public enum Problem {

		/** No connection to a ZooKeeper quorum; waited out. */
		ZOOKEEPER_UNAVAILABLE,

		/** The balance node holds something that is not an amount; never overwritten. */
		CORRUPT_BALANCE,

		/** An audit node holds data that cannot be read; never overwritten. */
		CORRUPT_AUDIT,

		/** The balance node was deleted after the audit started; never silently recreated. */
		DEPOSIT_MISSING,

		/** ZooKeeper refused the request for another reason (for instance access control). */
		REFUSED

	}

	private final Problem problem;

	DepositException(Problem problem, String message) {
		super(message);
		this.problem = problem;
	}

	DepositException(Problem problem, String message, Throwable cause) {
		super(message, cause);
		this.problem = problem;
	}

	public Problem problem() {
		return this.problem;
	}

}
