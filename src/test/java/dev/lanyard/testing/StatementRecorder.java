package dev.lanyard.testing;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

/**
 * What code asks of its connections, in order: "execute" for each statement it runs, "begin" when
 * it turns autocommit off, "commit" and "rollback". Wraps a DataSource; for tests that count round
 * trips and transactions (issue 16).
 */
public final class StatementRecorder {
    private final List<String> calls = new ArrayList<>();

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public DataSource wrap(DataSource real) {
        return proxy(DataSource.class, (self, m, args) -> {
            Object result = m.invoke(real, args);
            return m.getName().equals("getConnection") ? connection((Connection) result) : result;
        });
    }

    private synchronized void record(String call) {
        calls.add(call);
    }

    private Connection connection(Connection real) {
        return proxy(Connection.class, (self, m, args) -> {
            switch (m.getName()) {
                case "commit", "rollback" -> record(m.getName());
                case "setAutoCommit" -> { if (!(Boolean) args[0]) record("begin"); }
                default -> { }
            }
            Object result = m.invoke(real, args);
            return m.getName().equals("prepareStatement") ? statement((PreparedStatement) result) : result;
        });
    }

    private PreparedStatement statement(PreparedStatement real) {
        return proxy(PreparedStatement.class, (self, m, args) -> {
            if (m.getName().startsWith("execute")) record("execute");
            return m.invoke(real, args);
        });
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        InvocationHandler unwrapping = (self, m, args) -> {
            try {
                return handler.invoke(self, m, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(StatementRecorder.class.getClassLoader(), new Class<?>[] {type}, unwrapping));
    }
}
