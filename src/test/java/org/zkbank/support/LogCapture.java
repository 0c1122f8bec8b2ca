package org.zkbank.support;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * The events one logger writes while open, at a level of the test's choosing, kept off
 * the console; closing it restores the logger. For what {@code OutputCaptureExtension}
 * cannot give: lines below the level {@code logback-test.xml} lets through, too many to
 * print, or the thread that logged them.
 */
public final class LogCapture implements AutoCloseable {

	private final Logger logger;

	private final Level level;

	private final boolean additive;

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {

		@Override
		protected void append(ILoggingEvent event) {
			// the thread name is taken lazily otherwise
			event.prepareForDeferredProcessing();
			super.append(event);
		}

	};

	private LogCapture(Logger logger, Level level) {
		this.logger = logger;
		this.level = logger.getLevel();
		this.additive = logger.isAdditive();
		this.appender.start();
		logger.addAppender(this.appender);
		logger.setLevel(level);
		logger.setAdditive(false);
	}

	/** Captures what the logger of this class writes at {@code level} and above. */
	public static LogCapture of(Class<?> loggerClass, Level level) {
		return new LogCapture((Logger) LoggerFactory.getLogger(loggerClass), level);
	}

	/** The events captured so far, in the order they were logged. */
	public List<ILoggingEvent> events() {
		synchronized (this.appender) {
			return new ArrayList<>(this.appender.list);
		}
	}

	@Override
	public void close() {
		this.logger.detachAppender(this.appender);
		this.logger.setLevel(this.level);
		this.logger.setAdditive(this.additive);
		this.appender.stop();
	}

}
