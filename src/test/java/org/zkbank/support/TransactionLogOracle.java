package org.zkbank.support;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.server.persistence.FileTxnLog;
import org.apache.zookeeper.server.persistence.TxnLog;
import org.apache.zookeeper.txn.CreateTxn;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.MultiTxn;
import org.apache.zookeeper.txn.SetDataTxn;
import org.apache.zookeeper.txn.Txn;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CommitResult.CommitId;
import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.OperationResult;
import org.zkbank.account.OperationType;
import org.zkbank.account.Outcome;

/**
 * Checks a history of commits the way Jepsen checks a bank, against ZooKeeper's own
 * transaction log instead of anything the application says of itself. It reads every
 * server's log ({@link FileTxnLog}), merged by transaction id, and finds that:
 * <ul>
 * <li>every change of the balance node is a {@code multi} that also writes exactly one
 * audit entry, one more commit of that name;</li>
 * <li>the balance after each write is the one before it plus that write's deposits minus
 * its withdrawals, exactly, and never negative;</li>
 * <li>each (instance, sequence) is applied at most once;</li>
 * <li>every operation the clients recorded as committed is in exactly one applied write,
 * with its amount; every failed one is in none; every unknown one in at most one;</li>
 * <li>the final balance is the audit's.</li>
 * </ul>
 */
public final class TransactionLogOracle {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String depositPath;

	private final String auditPath;

	private final List<File> dataDirectories;

	/** The balance as the replay has it so far. */
	private BigDecimal balance;

	/** Changes of the balance since the audit started. */
	private int writes;

	/**
	 * @param dataDirectories each server's data directory, whose {@code version-2} holds
	 * its log
	 */
	public TransactionLogOracle(DepositSettings bank, Collection<File> dataDirectories) {
		this.depositPath = bank.deposit().path();
		this.auditPath = bank.deposit().auditPath();
		this.dataDirectories = List.copyOf(dataDirectories);
	}

	/** What the log showed. */
	public record Verdict(int writes, int commits, int committedOperations, int unknowns, int unknownsApplied,
			int unreported, BigDecimal finalBalance) {

		@Override
		public String toString() {
			return ("oracle: %d balance writes checked in the transaction log: %d commits, %d committed operations "
					+ "found once each, %d unknown (%d of them applied), %d applied but unreported; final balance %s")
				.formatted(this.writes, this.commits, this.committedOperations, this.unknowns, this.unknownsApplied,
						this.unreported, this.finalBalance);
		}

	}

	/**
	 * Checks the history against the log.
	 * @param history every result the clients recorded
	 * @param audit the audit at the end, with the clients stopped
	 * @param unreportedAllowed commits that may be in the log with no recorded result
	 * (instances killed mid-commit)
	 * @throws AssertionError naming the first violation
	 */
	public Verdict check(Collection<CommitResult> history, AuditReport audit, int unreportedAllowed) {
		Map<CommitId, Applied> applied = replay();
		// the devices of a group commit each report the same commit
		Map<CommitId, CommitResult> recorded = new HashMap<>();
		for (CommitResult result : history) {
			CommitResult known = recorded.putIfAbsent(result.id(), result);
			require(known == null || known.equals(result), "commit %s reported twice, differently", result.id());
		}
		int committedOperations = 0;
		int unknowns = 0;
		int unknownsApplied = 0;
		for (CommitResult commit : recorded.values()) {
			Applied write = applied.get(commit.id());
			List<OperationResult> committed = commit.operations().stream().filter(OperationResult::committed).toList();
			boolean unknown = commit.operations().stream().anyMatch((result) -> result.outcome() == Outcome.UNKNOWN);
			boolean failed = commit.operations().stream().anyMatch((result) -> result.outcome() == Outcome.FAILED);
			if (!committed.isEmpty()) {
				require(write != null, "committed %s is in no write of the log", commit.id());
				BigDecimal deposits = sum(committed, OperationType.DEPOSIT);
				BigDecimal withdrawals = sum(committed, OperationType.WITHDRAW);
				require(write.deposits().compareTo(deposits) == 0 && write.withdrawals().compareTo(withdrawals) == 0
						&& write.operations() == committed.size(),
						"commit %s moved +%s -%s in %d operations in the log, the client recorded +%s -%s in %d",
						commit.id(), write.deposits(), write.withdrawals(), write.operations(), deposits, withdrawals,
						committed.size());
				committedOperations += committed.size();
			}
			else if (failed) {
				require(write == null, "failed %s was applied at zxid 0x%x", commit.id(),
						(write != null) ? write.zxid() : 0);
			}
			else if (unknown) {
				unknowns++;
				unknownsApplied += (write != null) ? 1 : 0;
			}
			else {
				require(write == null, "%s rejected every operation, yet wrote at zxid 0x%x", commit.id(),
						(write != null) ? write.zxid() : 0);
			}
		}
		int unreported = (int) applied.keySet().stream().filter((id) -> !recorded.containsKey(id)).count();
		require(unreported <= unreportedAllowed, "%d commits in the log were never reported by a client (allowed %d)",
				unreported, unreportedAllowed);
		BigDecimal finalBalance = this.balance;
		require(finalBalance != null && finalBalance.compareTo(audit.balance()) == 0,
				"the log ends at balance %s, the audit says %s", finalBalance, audit.balance());
		return new Verdict(this.writes, applied.size(), committedOperations, unknowns, unknownsApplied, unreported,
				finalBalance);
	}

	/** Replays the log; returns every applied commit by its id. */
	private Map<CommitId, Applied> replay() {
		Map<CommitId, Applied> applied = new HashMap<>();
		Map<String, JsonNode> entries = new HashMap<>();
		boolean audited = false;
		this.balance = null;
		this.writes = 0;
		for (Map.Entry<Long, List<Change>> transaction : transactions().entrySet()) {
			long zxid = transaction.getKey();
			List<Change> changes = transaction.getValue();
			List<Change> onBalance = changes.stream()
				.filter((change) -> change.path().equals(this.depositPath))
				.toList();
			List<Change> onEntries = changes.stream().filter((change) -> isEntry(change.path())).toList();
			boolean startsAudit = changes.stream()
				.anyMatch((change) -> change.path().equals(this.auditPath) && change.kind() == OpCode.create);
			if (!audited) {
				// before the audit, anyone may create or set the balance (zkCli.sh
				// create)
				Change last = onBalance.isEmpty() ? null : onBalance.get(onBalance.size() - 1);
				if (last != null && last.data() != null) {
					this.balance = new BigDecimal(text(last.data()));
				}
				audited = startsAudit;
				continue;
			}
			if (onBalance.isEmpty()) {
				require(onEntries.isEmpty(), "zxid 0x%x writes an audit entry without the balance: %s", zxid, changes);
				continue;
			}
			this.writes++;
			Change written = onBalance.get(onBalance.size() - 1);
			require(transaction.getValue().size() > 1 && written.data() != null,
					"zxid 0x%x changes %s outside a commit: %s", zxid, this.depositPath, changes);
			List<String> entryPaths = onEntries.stream().map(Change::path).distinct().toList();
			require(entryPaths.size() == 1, "zxid 0x%x changes the balance with %d audit entries", zxid,
					entryPaths.size());
			String entryPath = entryPaths.get(0);
			Change entryWrite = onEntries.get(onEntries.size() - 1);
			require(entryWrite.data() != null, "zxid 0x%x deletes the audit entry %s", zxid, entryPath);
			JsonNode before = entries.get(entryPath);
			JsonNode after = JSON.readTree(entryWrite.data());
			entries.put(entryPath, after);
			long commits = after.get("commits").asLong();
			require(commits == ((before != null) ? before.get("commits").asLong() : 0) + 1,
					"zxid 0x%x is not exactly one more commit of %s", zxid, entryPath);
			BigDecimal deposits = amount(after, "deposited").subtract(amount(before, "deposited"));
			BigDecimal withdrawals = amount(after, "withdrawn").subtract(amount(before, "withdrawn"));
			long operations = after.get("operations").asLong()
					- ((before != null) ? before.get("operations").asLong() : 0);
			BigDecimal next = new BigDecimal(text(written.data()));
			require(this.balance != null && next.compareTo(this.balance.add(deposits).subtract(withdrawals)) == 0,
					"zxid 0x%x sets the balance from %s to %s, but its audit entry moved +%s -%s", zxid, this.balance,
					next, deposits, withdrawals);
			require(next.signum() >= 0, "zxid 0x%x leaves the balance negative: %s", zxid, next);
			this.balance = next;
			CommitId id = committer(after, commits, entryPath, zxid);
			Applied previous = applied.put(id, new Applied(zxid, deposits, withdrawals, operations));
			require(previous == null, "commit %s is applied twice: at zxid 0x%x and 0x%x", id,
					(previous != null) ? previous.zxid() : 0, zxid);
		}
		return applied;
	}

	/**
	 * Whether the path is an audit entry (a child of the audit root, not an entry's
	 * marker).
	 */
	private boolean isEntry(String path) {
		return path.startsWith(this.auditPath + "/") && path.indexOf('/', this.auditPath.length() + 1) < 0;
	}

	/** The instance whose last commit the entry records as the one just made. */
	private static CommitId committer(JsonNode entry, long commits, String path, long zxid) {
		for (Map.Entry<String, JsonNode> instance : entry.get("instances").properties()) {
			if (instance.getValue().get("commit").asLong() == commits) {
				return new CommitId(instance.getKey(), instance.getValue().get("sequence").asLong());
			}
		}
		throw new AssertionError("zxid 0x%x: %s names no instance for commit %d".formatted(zxid, path, commits));
	}

	private static BigDecimal amount(JsonNode entry, String field) {
		return (entry != null) ? new BigDecimal(entry.get(field).stringValue()) : BigDecimal.ZERO;
	}

	private static BigDecimal sum(List<OperationResult> results, OperationType type) {
		return results.stream()
			.filter((result) -> result.operation().type() == type)
			.map((result) -> result.operation().amount())
			.reduce(BigDecimal.ZERO, BigDecimal::add);
	}

	/**
	 * Every applied transaction of every server, merged by id; failed multis are left
	 * out.
	 */
	private TreeMap<Long, List<Change>> transactions() {
		TreeMap<Long, List<Change>> merged = new TreeMap<>();
		for (File directory : this.dataDirectories) {
			try (FileTxnLog log = new FileTxnLog(new File(directory, "version-2"));
					TxnLog.TxnIterator iterator = log.read(0)) {
				while (iterator.getHeader() != null) {
					List<Change> changes = changes(iterator.getHeader().getType(), iterator.getTxn());
					if (changes != null) {
						List<Change> known = merged.putIfAbsent(iterator.getHeader().getZxid(), changes);
						require(known == null || known.equals(changes), "servers disagree on zxid 0x%x",
								iterator.getHeader().getZxid());
					}
					if (!iterator.next()) {
						break;
					}
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot read the transaction log in " + directory, ex);
			}
		}
		return merged;
	}

	/**
	 * The node changes of one transaction, or {@code null} for a failed multi or a
	 * session event.
	 */
	private static List<Change> changes(int type, Record txn) throws IOException {
		if (type == OpCode.multi) {
			List<Change> changes = new ArrayList<>();
			for (Txn part : ((MultiTxn) txn).getTxns()) {
				if (part.getType() == OpCode.error) {
					return null;
				}
				Change change = change(part.getType(), decode(part.getType(), part.getData()));
				if (change != null) {
					changes.add(change);
				}
			}
			return changes;
		}
		Change change = change(type, txn);
		return (change != null) ? List.of(change) : null;
	}

	private static Change change(int type, Record txn) {
		if (txn instanceof CreateTxn create) {
			return new Change(OpCode.create, create.getPath(), create.getData());
		}
		if (txn instanceof SetDataTxn set) {
			return new Change(OpCode.setData, set.getPath(), set.getData());
		}
		if (txn instanceof DeleteTxn delete) {
			return new Change(OpCode.delete, delete.getPath(), null);
		}
		return null;
	}

	private static Record decode(int type, byte[] data) throws IOException {
		Record record = switch (type) {
			case OpCode.create, OpCode.create2, OpCode.createContainer -> new CreateTxn();
			case OpCode.setData -> new SetDataTxn();
			case OpCode.delete, OpCode.deleteContainer -> new DeleteTxn();
			default -> null;
		};
		if (record != null) {
			record.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(data)), "txn");
		}
		return record;
	}

	private static String text(byte[] data) {
		return new String(data, StandardCharsets.UTF_8).strip();
	}

	private static void require(boolean condition, String message, Object... arguments) {
		if (!condition) {
			throw new AssertionError("transaction log: " + message.formatted(arguments));
		}
	}

	/** One node change in a transaction; a delete has no data. */
	private record Change(int kind, String path, byte[] data) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Change change && this.kind == change.kind && this.path.equals(change.path)
					&& Arrays.equals(this.data, change.data);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.kind, this.path);
		}

		@Override
		public String toString() {
			return this.kind + " " + this.path;
		}

	}

	/** What one applied commit moved, and in which transaction. */
	private record Applied(long zxid, BigDecimal deposits, BigDecimal withdrawals, long operations) {
	}

}
