package org.zkbank.customer;

import org.zkbank.account.CommitResult;
import org.zkbank.account.OperationResult;

/**
 * What a device gets for its operation: how the operation ended, and the commit that
 * carried it, which it may share with the operations of other devices (group commit).
 */
record Receipt(OperationResult operation, CommitResult commit) {
}
