package org.zkbank.account;

import java.math.BigDecimal;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the shared deposit lives and how a commit retries.
 *
 * @param depositPath the balance node; its audit nodes live under {@code <depositPath>_audit}
 * @param openingBalance the balance written when the node does not exist and was never audited
 * @param retry how a customer retries its operation after a version conflict
 * @param zookeeperAuth optional digest credentials; with them, the bank nodes are writable only
 * by authenticated customers and readable by everyone
 */
@ConfigurationProperties("bank")
@Validated
public record BankProperties(
		@DefaultValue("/bank_deposit") @NotNull @Pattern(regexp = "(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)+",
				message = "must be an absolute ZooKeeper path such as /bank_deposit") String depositPath,
		@DefaultValue("1000") @NotNull @DecimalMin("0") @Digits(integer = 18, fraction = 2) BigDecimal openingBalance,
		@DefaultValue @Valid Retry retry, @DefaultValue @Valid ZooKeeperAuth zookeeperAuth) {

	/** The parent of the audit nodes, beside the balance node. */
	public String auditPath() {
		return this.depositPath + "_audit";
	}

	/**
	 * How one operation waits between its attempts. After a conflict it waits for a quiet balance
	 * (a few of its own round trips; see {@link DepositAccount}); after any other failed write it
	 * backs off exponentially with full jitter.
	 *
	 * @param initialBackoff the longest pause after the first failed write
	 * @param maxBackoff the longest pause after any failed write, and between reads while
	 * ZooKeeper is unavailable
	 * @param operationTimeout how long one operation may keep losing races or wait out an
	 * unavailable ZooKeeper before it fails; an operation whose write result was lost and is
	 * still unresolved then ends unknown (applied once or not at all, never sent again)
	 * @param requestTimeout how long one ZooKeeper request may go unanswered before it counts as
	 * lost, so that no call blocks for ever on a server that accepts but does not answer
	 */
	public record Retry(@DefaultValue("10ms") @NotNull @DurationMin(millis = 1) Duration initialBackoff,
			@DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration maxBackoff,
			@DefaultValue("1m") @NotNull @DurationMin(millis = 1) Duration operationTimeout,
			@DefaultValue("10s") @NotNull @DurationMin(millis = 100) Duration requestTimeout) {

		@AssertTrue(message = "bank.retry.initial-backoff must not be longer than bank.retry.max-backoff")
		boolean isInitialBackoffWithinMax() {
			return this.initialBackoff == null || this.maxBackoff == null
					|| this.initialBackoff.compareTo(this.maxBackoff) <= 0;
		}

	}

	/**
	 * ZooKeeper digest authentication, off unless both are set (for instance from the environment
	 * variables {@code BANK_ZOOKEEPERAUTH_USERNAME} and {@code BANK_ZOOKEEPERAUTH_PASSWORD}).
	 *
	 * @param username the digest user; the only one allowed to change the bank nodes
	 * @param password its password
	 */
	public record ZooKeeperAuth(@DefaultValue("") @NotNull @Pattern(regexp = "[^:]*",
			message = "must not contain ':'") String username, @DefaultValue("") @NotNull String password) {

		public boolean enabled() {
			return !this.username.isEmpty();
		}

		@AssertTrue(message = "bank.zookeeper-auth.username and bank.zookeeper-auth.password go together")
		boolean isUsernameWithPassword() {
			return this.username == null || this.password == null || this.username.isEmpty() == this.password.isEmpty();
		}

		@Override
		public String toString() {
			return "ZooKeeperAuth[username=" + this.username + ", password=" + (this.password.isEmpty() ? "" : "****")
					+ "]";
		}

	}

}
