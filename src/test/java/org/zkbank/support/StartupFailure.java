package org.zkbank.support;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Asserts that a setting stops startup with Spring Boot's report naming the property and
 * the reason.
 */
public final class StartupFailure {

	private StartupFailure() {
	}

	/**
	 * Starts a context of the given configuration with the argument and expects it to
	 * fail.
	 * @param output the output captured by {@code OutputCaptureExtension}
	 */
	public static void assertStartupFails(Class<?> configuration, String argument, String property, String reason,
			CapturedOutput output) {
		assertThatException().isThrownBy(
				() -> new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE).run(argument).close());

		assertThat(output).contains("APPLICATION FAILED TO START").contains("Property: " + property).contains(reason);
	}

}
