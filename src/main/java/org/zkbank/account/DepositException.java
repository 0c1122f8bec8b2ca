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

		/**
		 * The balance node was deleted after the audit started; never silently recreated.
		 */
		DEPOSIT_MISSING,

		/**
		 * The balance node is not the one the audit started on: someone deleted and
		 * created it again. Never written to until an operator acts.
		 */
		DEPOSIT_REPLACED,

		/**
		 * ZooKeeper refused the request for another reason (for instance access control).
		 */
		REFUSED,

		/**
		 * The audit, reading many entries in parts, found the balance moving between them
		 * every time: customers keep committing. Only the audit has it; asking again may
		 * succeed.
		 */
		AUDIT_BUSY,

		/**
		 * A defect: an exception nothing expected. Logged with its stack; the customer
		 * goes on.
		 */
		INTERNAL

	}

	private final Problem problem;

	DepositException(Problem problem, String message) {
		super(message);
		this.problem = problem;
	}

	public DepositException(Problem problem, String message, Throwable cause) {
		super(message, cause);
		this.problem = problem;
	}

	public Problem problem() {
		return this.problem;
	}

}
