package org.zkbank.account;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How one operation waits between its attempts. After a conflict it waits for a quiet
 * balance (a few of its own round trips; see {@link DepositAccount}); after any other
 * failed write it backs off exponentially with full jitter.
 *
 * @param initialBackoff the longest pause after the first failed write
 * @param maxBackoff the longest pause after any failed write, and between reads while
 * ZooKeeper is unavailable
 * @param operationTimeout how long one operation may keep losing races or wait out an
 * unavailable ZooKeeper before it fails; an operation whose write result was lost and is
 * still unresolved then ends unknown (applied once or not at all, never sent again)
 */
@ConfigurationProperties("bank.retry")
@Validated
public record RetryProperties(@DefaultValue("10ms") @NotNull @DurationMin(millis = 1) Duration initialBackoff,
		@DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration maxBackoff,
		@DefaultValue("1m") @NotNull @DurationMin(millis = 1) Duration operationTimeout) {

	@AssertTrue(message = "bank.retry.initial-backoff must not be longer than bank.retry.max-backoff")
	boolean isInitialBackoffWithinMax() {
		return this.initialBackoff == null || this.maxBackoff == null
				|| this.initialBackoff.compareTo(this.maxBackoff) <= 0;
	}

}
