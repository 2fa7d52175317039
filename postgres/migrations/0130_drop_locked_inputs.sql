-- locked_inputs (migrations 0100-0120) took the identifiers' locks and read their inputs in
-- one statement, to hold the locks for one round trip fewer. Measured, it cost more than the
-- round trip it saved (BenchmarkReportsOnOneIdentifier: 4.65 against 4.37 ms a report, five
-- pairs in turn; three nodes at 700 req/s no better): a write takes the locks and reads in
-- two statements again (Dialect.LockIdentifiers), and the function goes.
DROP FUNCTION IF EXISTS locked_inputs(integer[], text[], text[]);
