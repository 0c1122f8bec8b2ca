package org.zkbank.live;

import java.util.List;
import java.util.Map;

import org.zkbank.account.AuditReport;

/**
 * One update of the live page, sent as the JSON data of a server-sent event {@code bank}:
 * the whole state, so that a page that missed updates (a slow browser) loses nothing by
 * it.
 *
 * @param path the balance node, {@code bank.deposit.path}
 * @param connected whether this instance reaches ZooKeeper now
 * @param connection the last connection state Curator reported
 * @param deposit what the audits of the deposit showed
 * @param contention this instance's customers' meters
 */
record LiveState(String path, boolean connected, String connection, Deposit deposit, List<Contention> contention) {

	/**
	 * @param opening the balance the audit started from, {@code null} before the first
	 * audit
	 * @param points balance versions seen, oldest first
	 * @param commits the latest commits, newest first
	 * @param customers every customer name of the audit, sorted: a page gives each its
	 * colour by its place here
	 * @param audit the last audit, as {@code GET /actuator/bank} answers it; {@code null}
	 * before the first
	 * @param auditProblem why the last audit failed, {@code null} when it succeeded
	 */
	record Deposit(Opening opening, List<Point> points, List<Commit> commits, List<String> customers, AuditReport audit,
			String auditProblem) {
	}

	/** The balance the audit started from. */
	record Opening(int version, String balance) {
	}

	/**
	 * One version of the balance node; {@code customer} is who committed it, when one
	 * customer did.
	 */
	record Point(int version, String balance, String customer, Ledger.Kind kind) {
	}

	/**
	 * One entry of the feed: what a customer's commits moved between two audits (net,
	 * deposited, withdrawn, in how many operations and commits), or writes no audited
	 * commit explains. {@code from} = {@code to} when the version moved by one;
	 * {@code balance} is the balance at {@code to}.
	 */
	record Commit(int from, int to, String customer, Ledger.Kind kind, String net, String deposited, String withdrawn,
			long operations, long commits, String balance) {
	}

	/**
	 * One customer of this instance: its conflicts, retries and operations by outcome
	 * tag.
	 */
	record Contention(String customer, long conflicts, long retries, Map<String, Long> outcomes) {
	}

}
