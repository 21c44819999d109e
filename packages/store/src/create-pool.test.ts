import { describe, expect, it } from 'vitest';
import { sslFor } from './create-pool.js';

describe('sslFor', () => {
  it('auto: plain for this machine, SSL without verification elsewhere (Heroku Postgres)', () => {
    expect(sslFor('postgres://u@127.0.0.1:5432/db', 'auto')).toBe(false);
    expect(sslFor('postgres://u@localhost/db', 'auto')).toBe(false);
    expect(sslFor('postgres://u:p@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8', 'auto')).toEqual({
      rejectUnauthorized: false,
    });
  });

  it('lets sslmode in the URL decide', () => {
    expect(sslFor('postgres://u@127.0.0.1/db?sslmode=require', 'auto')).toEqual({
      rejectUnauthorized: false,
    });
    expect(sslFor('postgres://u@db.example/db?sslmode=disable', 'auto')).toBe(false);
    expect(sslFor('postgres://u@db.example/db?sslmode=verify-full', 'auto')).toEqual({
      rejectUnauthorized: true,
    });
  });

  it('follows an explicit DATABASE_SSL', () => {
    expect(sslFor('postgres://u@127.0.0.1/db', 'require')).toEqual({ rejectUnauthorized: false });
    expect(sslFor('postgres://u@db.example/db', 'disable')).toBe(false);
    expect(sslFor('postgres://u@db.example/db', 'verify')).toEqual({ rejectUnauthorized: true });
  });
});
