// The PostgreSQL layout of the shared store, created on first use or by `portclaims store init`.
//
// portclaims_reservations holds one row per reservation; its constraints make a port held twice
// (per protocol, per store) or a claim held twice impossible for any writer, portclaims or not.
// portclaims_scopes holds one row per scope ever written, with the transaction that last wrote
// it (a trigger keeps it for writers that are not portclaims): a commit checks only the scopes it
// changes, and a load finds what changed since its last read by those transaction ids.
// portclaims_commit applies a render's change in one statement, so in one round trip.

const LAYOUT_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS portclaims_reservations (
  store    text    NOT NULL,
  scope    text    NOT NULL,
  claim    text    NOT NULL,
  "group"  text    NOT NULL,
  protocol text    NOT NULL,
  port     integer NOT NULL,
  PRIMARY KEY (store, scope, claim),
  -- (protocol, port, store) rather than (store, …): then the primary key is the one index that
  -- starts with the store, and a query for some scopes of a store cannot be planned through this
  -- one (and a scan of the whole store) while the table has no statistics yet.
  CONSTRAINT portclaims_port_held_once UNIQUE (protocol, port, store),
  CONSTRAINT portclaims_names CHECK (scope <> '' AND claim <> '' AND "group" <> ''),
  CONSTRAINT portclaims_protocol CHECK (protocol IN ('tcp', 'udp')),
  CONSTRAINT portclaims_port CHECK (port BETWEEN 1 AND 65535)
);

CREATE TABLE IF NOT EXISTS portclaims_scopes (
  store  text NOT NULL,
  scope  text NOT NULL,
  writer xid8 NOT NULL DEFAULT pg_current_xact_id(),
  -- Scope first, for the same reason: "what did others write since" has one index to take.
  PRIMARY KEY (scope, store)
);
CREATE INDEX IF NOT EXISTS portclaims_scopes_by_writer ON portclaims_scopes (store, writer);

CREATE OR REPLACE FUNCTION portclaims_scope_written() RETURNS trigger LANGUAGE plpgsql
SET plan_cache_mode = force_custom_plan
AS $fn$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO portclaims_scopes AS s (store, scope) VALUES (OLD.store, OLD.scope)
    ON CONFLICT (store, scope) DO UPDATE SET writer = EXCLUDED.writer WHERE s.writer <> EXCLUDED.writer;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO portclaims_scopes AS s (store, scope) VALUES (NEW.store, NEW.scope)
    ON CONFLICT (store, scope) DO UPDATE SET writer = EXCLUDED.writer WHERE s.writer <> EXCLUDED.writer;
  END IF;
  RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS portclaims_scope_written ON portclaims_reservations;
CREATE TRIGGER portclaims_scope_written AFTER INSERT OR UPDATE OR DELETE ON portclaims_reservations
  FOR EACH ROW EXECUTE FUNCTION portclaims_scope_written();

-- Applies a change decided on the snapshot p_snapshot (plus the writer's own later commits,
-- p_own): each scope in p_scopes must not have been written since by anyone else, else the
-- change is refused (serialization_failure) and the writer decides again.
CREATE OR REPLACE FUNCTION portclaims_commit(
  p_store text, p_snapshot pg_snapshot, p_own xid8[], p_scopes text[],
  p_delete_scopes text[], p_delete_claims text[],
  p_put_scopes text[], p_put_claims text[], p_put_groups text[], p_put_protocols text[], p_put_ports integer[]
) RETURNS text LANGUAGE plpgsql
-- Plans made for the tables as they are at each call, not as they were at the first one.
SET plan_cache_mode = force_custom_plan
AS $fn$
DECLARE
  v_scope text;
  v_index integer;
BEGIN
  FOREACH v_scope IN ARRAY p_scopes LOOP
    INSERT INTO portclaims_scopes AS s (store, scope) VALUES (p_store, v_scope)
    ON CONFLICT (store, scope) DO UPDATE SET writer = EXCLUDED.writer
      WHERE pg_visible_in_snapshot(s.writer, p_snapshot) OR s.writer = ANY (p_own);
    IF NOT FOUND THEN
      RAISE EXCEPTION 'portclaims: scope % changed since the snapshot', v_scope USING ERRCODE = 'serialization_failure';
    END IF;
  END LOOP;
  -- Row by row through the primary key: a render deletes a few rows at most, and a join with
  -- the arrays could be planned as a scan of every reservation.
  FOR v_index IN 1 .. coalesce(array_length(p_delete_scopes, 1), 0) LOOP
    DELETE FROM portclaims_reservations
      WHERE store = p_store AND scope = p_delete_scopes[v_index] AND claim = p_delete_claims[v_index];
  END LOOP;
  INSERT INTO portclaims_reservations (store, scope, claim, "group", protocol, port)
    SELECT p_store, p.scope, p.claim, p.grp, p.protocol, p.port
    FROM unnest(p_put_scopes, p_put_claims, p_put_groups, p_put_protocols, p_put_ports) AS p(scope, claim, grp, protocol, port)
    ON CONFLICT (store, scope, claim) DO UPDATE
      SET "group" = EXCLUDED."group", protocol = EXCLUDED.protocol, port = EXCLUDED.port;
  RETURN pg_current_xact_id()::text;
END
$fn$;

COMMENT ON TABLE portclaims_reservations IS 'portclaims reservations, layout ${LAYOUT_VERSION}';
`;
