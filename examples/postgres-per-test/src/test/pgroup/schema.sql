CREATE TABLE customer (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created timestamptz NOT NULL DEFAULT now()
);

-- The fixture row every test starts with.
INSERT INTO customer (name) VALUES ('fixture');
