package org.zkbank.account;

import org.zkbank.zookeeper.ZooKeeperProperties;

/**
 * What a {@link DepositAccount} and a {@link DepositAudit} take from the configuration.
 *
 * @param deposit where the deposit lives ({@code bank.deposit.*})
 * @param retry how an operation waits between its attempts ({@code bank.retry.*})
 * @param auth the credentials the sessions authenticate with
 * ({@code bank.zookeeper.auth.*}); with them, the bank nodes are writable only by that
 * user and readable by everyone
 */
public record DepositSettings(DepositProperties deposit, RetryProperties retry, ZooKeeperProperties.Auth auth) {
}
