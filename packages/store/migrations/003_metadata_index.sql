-- Search filters: equality on metadata ($eq, $in, and a plain value) compiles to jsonb
-- containment (metadata @> '{"lab": "b"}'), which this index serves; jsonb_path_ops is smaller and
-- faster for @> than the default operator class, which the filters do not need.
CREATE INDEX chunks_metadata ON chunks USING gin (metadata jsonb_path_ops);
