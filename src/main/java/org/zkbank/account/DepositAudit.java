package org.zkbank.account;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;

/**
 * Checks conservation from outside the customers: reads the balance, the opening record and
 * every customer's totals in one atomic {@code multiRead}, so that no commit can fall between
 * two of the reads while customers keep writing. Read-only: it never starts or repairs anything.
 */
public final class DepositAudit {

	private final DepositNodes nodes;

	public DepositAudit(CuratorFramework client, BankProperties properties) {
		this.nodes = new DepositNodes(client, properties);
	}

	/**
	 * Audits the deposit now.
	 * @throws DepositException when ZooKeeper is unavailable, the audit has not started, or a node
	 * is missing or corrupt
	 */
	public AuditReport report() {
		while (true) {
			List<String> customers = children();
			List<Op> reads = new ArrayList<>(List.of(Op.getData(this.nodes.depositPath()),
					Op.getData(this.nodes.auditPath()), Op.getChildren(this.nodes.auditPath())));
			customers.forEach((customer) -> reads.add(Op.getData(this.nodes.customerPath(customer))));
			List<OpResult> results = this.nodes.read(reads);
			if (!(results.get(2) instanceof OpResult.GetChildrenResult listed)
					|| !listed.getChildren().stream().sorted().toList().equals(customers)) {
				continue; // a customer's first commit came in between: read again with it
			}
			if (!(results.get(0) instanceof OpResult.GetDataResult balance)) {
				throw new DepositException(DepositException.Problem.DEPOSIT_MISSING,
						this.nodes.depositPath() + " was deleted after its audit started");
			}
			if (!(results.get(1) instanceof OpResult.GetDataResult root)) {
				continue; // the audit root was deleted after the list was read
			}
			AuditOpening opening = AuditCodec.opening(root.getData(), this.nodes.auditPath());
			this.nodes.requireAudited(balance.getStat(), opening, root.getStat());
			Map<String, CustomerTotals> totals = new LinkedHashMap<>();
			for (int i = 0; i < customers.size(); i++) {
				String path = this.nodes.customerPath(customers.get(i));
				if (!(results.get(3 + i) instanceof OpResult.GetDataResult entry)) {
					throw new DepositException(DepositException.Problem.CORRUPT_AUDIT,
							path + " could not be read: " + results.get(3 + i));
				}
				totals.put(customers.get(i), AuditCodec.totals(entry.getData(), path));
			}
			return AuditReport.of(Money.parse(balance.getData(), this.nodes.depositPath()),
					balance.getStat().getVersion(), opening, totals);
		}
	}

	private List<String> children() {
		OpResult listed = this.nodes.read(List.of(Op.getChildren(this.nodes.auditPath()))).get(0);
		if (!(listed instanceof OpResult.GetChildrenResult children)) {
			throw new DepositException(DepositException.Problem.DEPOSIT_MISSING,
					"the audit of " + this.nodes.depositPath() + " has not started: no customer has read it yet");
		}
		return children.getChildren().stream().sorted().toList();
	}

}
