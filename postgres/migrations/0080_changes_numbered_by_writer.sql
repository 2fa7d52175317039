-- Undoes 0070: the write numbers its changes again, under the change lock taken in its
-- transaction (Dialect.ChangeLock). Numbering at commit was not faster under the load
-- generator's mix on one machine (docs/benchmarks.md, "One node and three").
DROP TRIGGER changes_number ON changes;
DROP FUNCTION changes_number();
ALTER TABLE changes ALTER COLUMN seq SET DEFAULT nextval('changes_seq_seq');
DROP SEQUENCE changes_unnumbered;
