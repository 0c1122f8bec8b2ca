package org.zkbank.live;

import java.util.List;
import java.util.Map;

import org.zkbank.account.AuditReport;

/**
 * One update of the live page, sent as the JSON data of a server-sent event {@code bank}: the
 * whole state, so that a page that missed updates (a slow browser) loses nothing by it.
 *
 * @param connected whether this instance reaches ZooKeeper now
 * @param connection the last connection state Curator reported
 * @param deposit what the watch and the audit know of the deposit
 * @param contention this instance's customers' meters
 */
record LiveState(boolean connected, String connection, Deposit deposit, List<Contention> contention) {

	/**
	 * @param opening the balance the audit started from, {@code null} before it is known
	 * @param points balance versions seen, oldest first
	 * @param commits the latest commits, newest first
	 * @param customers every customer name of the audit, sorted: a page gives each its colour by
	 * its place here
	 * @param audit the last audit, as {@code GET /actuator/bank} answers it; {@code null} before
	 * the first
	 * @param auditProblem why the last audit failed, {@code null} when it succeeded
	 * @param watchProblem what is wrong with the balance node, {@code null} when nothing is
	 */
	record Deposit(Ledger.Opening opening, List<Point> points, List<Commit> commits, List<String> customers,
			AuditReport audit, String auditProblem, String watchProblem) {
	}

	/** One version of the balance node; {@code customer} is who committed it, when known. */
	record Point(int version, String balance, String customer, Ledger.Kind kind) {
	}

	/**
	 * One entry of the feed: a commit (what the customer's audit entry moved: net, deposited,
	 * withdrawn, in how many operations and writes) or an unexplained write. {@code version} and
	 * {@code balance} are {@code null} when the watch skipped that version.
	 */
	record Commit(Integer version, String customer, Ledger.Kind kind, String net, String deposited, String withdrawn,
			long operations, long commits, String balance) {
	}

	/** One customer of this instance: its conflicts, retries and operations by outcome tag. */
	record Contention(String customer, long conflicts, long retries, Map<String, Long> outcomes) {
	}

}
