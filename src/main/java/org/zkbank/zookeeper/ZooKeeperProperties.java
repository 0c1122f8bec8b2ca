package org.zkbank.zookeeper;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How every ZooKeeper session of the application talks to ZooKeeper, on top of Spring
 * Cloud Zookeeper's {@code spring.cloud.zookeeper.*}.
 *
 * @param requestTimeout how long one ZooKeeper request may go unanswered before it counts
 * as lost, so that no call blocks for ever on a server that accepts but does not answer
 * @param auth optional digest credentials; with them, the bank nodes are writable only by
 * authenticated customers and readable by everyone
 */
@ConfigurationProperties("bank.zookeeper")
@Validated
public record ZooKeeperProperties(@DefaultValue("10s") @NotNull @DurationMin(millis = 100) Duration requestTimeout,
		@DefaultValue @Valid Auth auth) {

	/**
	 * ZooKeeper digest authentication, off unless both are set (for instance from the
	 * environment variables {@code BANK_ZOOKEEPER_AUTH_USERNAME} and
	 * {@code BANK_ZOOKEEPER_AUTH_PASSWORD}).
	 *
	 * @param username the digest user; the only one allowed to change the bank nodes
	 * @param password its password
	 */
	public record Auth(
			@DefaultValue("") @NotNull @Pattern(regexp = "[^:]*", message = "must not contain ':'") String username,
			@DefaultValue("") @NotNull String password) {

		public boolean enabled() {
			return !this.username.isEmpty();
		}

		@AssertTrue(message = "bank.zookeeper.auth.username and bank.zookeeper.auth.password go together")
		boolean isUsernameWithPassword() {
			return this.username == null || this.password == null || this.username.isEmpty() == this.password.isEmpty();
		}

		@Override
		public String toString() {
			return "Auth[username=" + this.username + ", password=" + (this.password.isEmpty() ? "" : "****") + "]";
		}

	}

}
