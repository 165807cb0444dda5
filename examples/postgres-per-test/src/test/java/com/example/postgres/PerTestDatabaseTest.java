package com.example.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgroup.PGroup;
import dev.pgroup.junit5.WithGroup;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Every test gets a PostgreSQL server of its own, with the schema and the fixture row the seed
 * loaded: tests insert and delete freely, and no test sees another's rows.
 */
@WithGroup("src/test/pgroup")
class PerTestDatabaseTest {

    private static Connection connect(PGroup group) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + group.port("db", "main") + "/postgres", "postgres", "");
    }

    private static int customers(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM customer")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void startsWithTheSchemaAndTheFixtureRow(PGroup group) throws SQLException {
        try (Connection c = connect(group);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM customer")) {
            rs.next();
            assertEquals("fixture", rs.getString(1));
        }
    }

    @RepeatedTest(3)
    void insertsAndDeletesWithoutTouchingAnotherTestsServer(PGroup group) throws SQLException {
        try (Connection c = connect(group);
                Statement s = c.createStatement()) {
            // Whatever ran before, this server has the seed's one row only.
            assertEquals(1, customers(s));

            s.executeUpdate("INSERT INTO customer (name) VALUES ('a'), ('b'), ('c')");
            s.executeUpdate("DELETE FROM customer WHERE name = 'fixture'");

            assertEquals(3, customers(s));
        }
    }

    @Test
    void dropsATableFreely(PGroup group) throws SQLException {
        try (Connection c = connect(group);
                Statement s = c.createStatement()) {
            assertEquals(1, customers(s));
            s.executeUpdate("DROP TABLE customer");
        }
    }
}
