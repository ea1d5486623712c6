-- Hub schema version 1: shared records, coordinators-only fields, private fields,
-- members, the version clock, and who may do what.
--
-- Runs as the hub's owner role inside schema "hub" (created by init). Placeholders:
-- ${owner}, ${coordinator}, ${viewer} are the quoted group roles of this hub database;
-- ${coordinator_name} is the coordinator group's name as a quoted string.

ALTER DEFAULT PRIVILEGES IN SCHEMA hub REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE TABLE hub.meta (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    coalition_id uuid NOT NULL,
    coalition_name text NOT NULL,
    hub_schema integer NOT NULL,
    data_schema text,                       -- Alembic head of the newest laptop that pushed
    pruned_before bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO hub.meta (coalition_id, coalition_name, hub_schema)
VALUES (gen_random_uuid(), '', 0);

CREATE TABLE hub.clock (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    value bigint NOT NULL
);
INSERT INTO hub.clock (value) VALUES (0);

-- Shared rows: kind = the laptop's table name, id = the row id ("left:right" for link
-- tables), data = the row as JSON without private or internal fields, NULL = purged.
CREATE TABLE hub.record (
    kind text NOT NULL,
    id text NOT NULL,
    data jsonb,
    version bigint NOT NULL DEFAULT 0,
    changed_by text NOT NULL DEFAULT session_user,
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, id)
);
CREATE INDEX record_version ON hub.record (version);

-- Fields only coordinators see (a proposal's internal notes).
CREATE TABLE hub.internal (
    kind text NOT NULL,
    id text NOT NULL,
    data jsonb,
    version bigint NOT NULL DEFAULT 0,
    changed_by text NOT NULL DEFAULT session_user,
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, id)
);
CREATE INDEX internal_version ON hub.internal (version);

-- Each login's private fields (contact and meeting private notes): row-level security
-- cannot hide a column, so they live in rows only their owner can see.
CREATE TABLE hub.private (
    owner text NOT NULL DEFAULT session_user,
    kind text NOT NULL,
    id text NOT NULL,
    data jsonb,
    version bigint NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, kind, id)
);
CREATE INDEX private_owner_version ON hub.private (owner, version);
CREATE INDEX private_kind_id ON hub.private (kind, id);

CREATE TABLE hub.member (
    login text PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('admin', 'coordinator', 'viewer')),
    consortium text,
    created_at timestamptz NOT NULL DEFAULT now(),
    removed_at timestamptz,
    last_sync_at timestamptz
);

-- Which version the transaction that is writing now took (rows of finished transactions
-- are cleared by the next writer). Only hub.tx_version(), as the owner, reads or writes
-- it: a client-settable cache (a session variable) would let a client reuse an old version.
CREATE UNLOGGED TABLE hub.tx_stamp (
    xid xid8 PRIMARY KEY,
    version bigint NOT NULL
);

-- The writing transaction's version. The first call in a transaction takes the clock's
-- row lock until commit, so a later transaction gets a larger number only after this one
-- committed: version order is commit order, and a reader that has seen version N has
-- seen every row of versions up to N. Savepoints share their transaction's version.
CREATE FUNCTION hub.tx_version() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    me xid8 := pg_current_xact_id();
    taken bigint;
BEGIN
    SELECT version INTO taken FROM hub.tx_stamp WHERE xid = me;
    IF FOUND THEN
        RETURN taken;
    END IF;
    UPDATE hub.clock SET value = value + 1 RETURNING value INTO taken;
    -- Holding the clock's lock, this is the only writer: every other stamp it can see
    -- belongs to a transaction that has ended.
    DELETE FROM hub.tx_stamp WHERE xid <> me;
    INSERT INTO hub.tx_stamp (xid, version) VALUES (me, taken);
    RETURN taken;
END
$$;

-- Clients cannot forge a row's version, author or time.
CREATE FUNCTION hub.stamp_shared() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.version := hub.tx_version();
    NEW.changed_by := session_user;
    NEW.changed_at := now();
    RETURN NEW;
END
$$;

CREATE FUNCTION hub.stamp_private() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.version := hub.tx_version();
    NEW.changed_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON hub.record
    FOR EACH ROW EXECUTE FUNCTION hub.stamp_shared();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON hub.internal
    FOR EACH ROW EXECUTE FUNCTION hub.stamp_shared();
CREATE TRIGGER stamp BEFORE INSERT OR UPDATE ON hub.private
    FOR EACH ROW EXECUTE FUNCTION hub.stamp_private();

CREATE FUNCTION hub.is_coordinator() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_has_role(session_user, ${coordinator_name}, 'USAGE')
$$;

CREATE FUNCTION hub.is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT hub.is_coordinator() AND EXISTS (
        SELECT 1 FROM hub.member
        WHERE login = session_user::text AND role = 'admin' AND removed_at IS NULL)
$$;

-- Deleting for good: the rows stay as tombstones (data NULL) so every laptop learns of
-- the purge on its next pull. Coordinators only; nobody has DELETE.
CREATE FUNCTION hub.purge(p_kind text, p_ids text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    written integer;
BEGIN
    IF NOT hub.is_coordinator() THEN
        RAISE EXCEPTION 'only coordinators can purge records' USING ERRCODE = '42501';
    END IF;
    INSERT INTO hub.record AS r (kind, id, data)
        SELECT DISTINCT p_kind, one_id, NULL::jsonb FROM unnest(p_ids) AS one_id
        WHERE one_id IS NOT NULL
    ON CONFLICT (kind, id) DO UPDATE SET data = NULL WHERE r.data IS NOT NULL;
    GET DIAGNOSTICS written = ROW_COUNT;
    UPDATE hub.internal SET data = NULL
        WHERE kind = p_kind AND id = ANY (p_ids) AND data IS NOT NULL;
    UPDATE hub.private SET data = NULL
        WHERE kind = p_kind AND id = ANY (p_ids) AND data IS NOT NULL;
    RETURN written;
END
$$;

-- Forgetting old tombstones (administrator only): those of versions before `before` go,
-- and meta.pruned_before tells a laptop that pulled less than that to read everything.
CREATE FUNCTION hub.prune(before bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    upto bigint;
    removed integer;
    more integer;
BEGIN
    IF NOT hub.is_admin() THEN
        RAISE EXCEPTION 'only the hub''s administrator can prune tombstones'
            USING ERRCODE = '42501';
    END IF;
    upto := least(before, (SELECT value FROM hub.clock) + 1);
    DELETE FROM hub.record WHERE data IS NULL AND version < upto;
    GET DIAGNOSTICS removed = ROW_COUNT;
    DELETE FROM hub.internal WHERE data IS NULL AND version < upto;
    GET DIAGNOSTICS more = ROW_COUNT;
    removed := removed + more;
    DELETE FROM hub.private WHERE data IS NULL AND version < upto;
    GET DIAGNOSTICS more = ROW_COUNT;
    UPDATE hub.meta SET pruned_before = greatest(pruned_before, upto);
    RETURN removed + more;
END
$$;

CREATE FUNCTION hub.touch_sync() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    UPDATE hub.member SET last_sync_at = now()
    WHERE login = session_user::text AND removed_at IS NULL
$$;

-- The laptops' data schema (Alembic head, compared as a number) only moves forward.
CREATE FUNCTION hub.set_data_schema(head text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    now_schema text;
BEGIN
    IF NOT hub.is_coordinator() THEN
        RAISE EXCEPTION 'only coordinators can push' USING ERRCODE = '42501';
    END IF;
    IF head IS NULL OR head !~ '^[0-9]{1,9}$' THEN
        RAISE EXCEPTION 'data schema % is not a number', head USING ERRCODE = '22023';
    END IF;
    UPDATE hub.meta SET data_schema = head
        WHERE data_schema IS NULL OR data_schema !~ '^[0-9]{1,9}$'
           OR data_schema::integer < head::integer;
    SELECT data_schema INTO now_schema FROM hub.meta;
    RETURN now_schema;
END
$$;

-- Who may do what. Row-level security is forced, so even the owner goes through
-- policies (its own allow everything: only migrations and the functions above use it).
ALTER TABLE hub.meta ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.meta FORCE ROW LEVEL SECURITY;
ALTER TABLE hub.clock ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.clock FORCE ROW LEVEL SECURITY;
ALTER TABLE hub.record ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.record FORCE ROW LEVEL SECURITY;
ALTER TABLE hub.internal ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.internal FORCE ROW LEVEL SECURITY;
ALTER TABLE hub.private ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.private FORCE ROW LEVEL SECURITY;
ALTER TABLE hub.member ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.member FORCE ROW LEVEL SECURITY;
ALTER TABLE hub.tx_stamp ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.tx_stamp FORCE ROW LEVEL SECURITY;

CREATE POLICY owner_all ON hub.meta TO ${owner} USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON hub.clock TO ${owner} USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON hub.record TO ${owner} USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON hub.internal TO ${owner} USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON hub.private TO ${owner} USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON hub.member TO ${owner} USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON hub.tx_stamp TO ${owner} USING (true) WITH CHECK (true);

CREATE POLICY members_read ON hub.meta FOR SELECT TO ${coordinator}, ${viewer} USING (true);
CREATE POLICY members_read ON hub.clock FOR SELECT TO ${coordinator}, ${viewer} USING (true);
CREATE POLICY members_read ON hub.member FOR SELECT TO ${coordinator}, ${viewer} USING (true);
CREATE POLICY admin_adds ON hub.member FOR INSERT TO ${coordinator}
    WITH CHECK (hub.is_admin());
CREATE POLICY admin_changes ON hub.member FOR UPDATE TO ${coordinator}
    USING (hub.is_admin()) WITH CHECK (hub.is_admin());

CREATE POLICY members_read ON hub.record FOR SELECT TO ${coordinator}, ${viewer} USING (true);
CREATE POLICY coordinators_add ON hub.record FOR INSERT TO ${coordinator}
    WITH CHECK (data IS NOT NULL);
CREATE POLICY coordinators_change ON hub.record FOR UPDATE TO ${coordinator}
    USING (true) WITH CHECK (data IS NOT NULL);

CREATE POLICY coordinators_read ON hub.internal FOR SELECT TO ${coordinator} USING (true);
CREATE POLICY coordinators_add ON hub.internal FOR INSERT TO ${coordinator} WITH CHECK (true);
CREATE POLICY coordinators_change ON hub.internal FOR UPDATE TO ${coordinator}
    USING (true) WITH CHECK (true);

CREATE POLICY own_read ON hub.private FOR SELECT TO ${coordinator}, ${viewer}
    USING (owner = session_user::text);
CREATE POLICY own_add ON hub.private FOR INSERT TO ${coordinator}
    WITH CHECK (owner = session_user::text);
CREATE POLICY own_change ON hub.private FOR UPDATE TO ${coordinator}
    USING (owner = session_user::text) WITH CHECK (owner = session_user::text);

REVOKE ALL ON ALL TABLES IN SCHEMA hub FROM PUBLIC;
GRANT USAGE ON SCHEMA hub TO ${coordinator}, ${viewer};
GRANT SELECT ON hub.meta, hub.clock, hub.member, hub.record, hub.private
    TO ${coordinator}, ${viewer};
GRANT SELECT ON hub.internal TO ${coordinator};
GRANT INSERT ON hub.record, hub.internal, hub.private, hub.member TO ${coordinator};
-- A row's key never changes: a renamed row would vanish from other laptops unnoticed.
GRANT UPDATE (data, version, changed_by, changed_at) ON hub.record, hub.internal
    TO ${coordinator};
GRANT UPDATE (data, version, changed_at) ON hub.private TO ${coordinator};
GRANT UPDATE (role, consortium, created_at, removed_at, last_sync_at) ON hub.member TO ${coordinator};

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA hub FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.tx_version(), hub.stamp_shared(), hub.stamp_private(),
    hub.purge(text, text[]), hub.set_data_schema(text), hub.prune(bigint) TO ${coordinator};
GRANT EXECUTE ON FUNCTION hub.is_coordinator(), hub.is_admin(), hub.touch_sync()
    TO ${coordinator}, ${viewer};
