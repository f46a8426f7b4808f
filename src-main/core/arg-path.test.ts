import { describe, expect, it } from 'vitest';
import { getArg } from './arg-path.js';
import { codeOf } from '../test-support/error-code.js';

describe('getArg', () => {
  it('reads top-level and nested own properties', () => {
    const args = { path: '/data/a', options: { target: { dir: '/data/b' } }, zero: 0, nothing: null };
    expect(getArg(args, 'path')).toEqual({ found: true, value: '/data/a' });
    expect(getArg(args, 'options.target.dir')).toEqual({ found: true, value: '/data/b' });
    expect(getArg(args, 'options')).toEqual({ found: true, value: { target: { dir: '/data/b' } } });
    expect(getArg(args, 'zero')).toEqual({ found: true, value: 0 });
    expect(getArg(args, 'nothing')).toEqual({ found: true, value: null });
    expect(getArg({ a: undefined }, 'a')).toEqual({ found: true, value: undefined });
  });

  it('reports missing members and paths through primitives as not found', () => {
    expect(getArg({}, 'path')).toEqual({ found: false });
    expect(getArg({ a: 'text' }, 'a.length')).toEqual({ found: false });
    expect(getArg({ a: null }, 'a.b')).toEqual({ found: false });
    expect(getArg(null, 'a')).toEqual({ found: false });
    expect(getArg('string', 'a')).toEqual({ found: false });
    expect(getArg(undefined, 'a')).toEqual({ found: false });
  });

  it('inherited members are never found (toString, hasOwnProperty, valueOf)', () => {
    expect(getArg({}, 'toString')).toEqual({ found: false });
    expect(getArg({ a: {} }, 'a.hasOwnProperty')).toEqual({ found: false });
    expect(getArg({}, 'valueOf')).toEqual({ found: false });
  });

  it('a polluted Object.prototype is not read through an argument', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.pollutedPath = '/etc/passwd';
    try {
      expect(getArg({}, 'pollutedPath')).toEqual({ found: false });
    } finally {
      delete proto.pollutedPath;
    }
  });

  it('prototype names in the constraint path are refused, even with a JSON own "__proto__" key', () => {
    const args: unknown = JSON.parse('{"__proto__": {"path": "/etc"}, "constructor": {"prototype": 1}}');
    expect(codeOf(() => getArg(args, '__proto__.path'))).toBe('ERR_ARGUMENT_INVALID');
    expect(codeOf(() => getArg(args, 'constructor'))).toBe('ERR_ARGUMENT_INVALID');
    expect(codeOf(() => getArg({ a: {} }, 'a.constructor.prototype'))).toBe('ERR_ARGUMENT_INVALID');
  });

  it('arrays: canonical indexes only, never length, holes or named members', () => {
    const args = { edits: [{ path: '/a' }, { path: '/b' }] };
    expect(getArg(args, 'edits.1.path')).toEqual({ found: true, value: '/b' });
    expect(getArg(args, 'edits.0')).toEqual({ found: true, value: { path: '/a' } });
    expect(getArg(args, 'edits.2.path')).toEqual({ found: false });
    expect(getArg(args, 'edits.01.path')).toEqual({ found: false });
    expect(getArg(args, 'edits.length')).toEqual({ found: false });
    const holey: number[] = [1];
    holey[2] = 3;
    expect(getArg({ holey }, 'holey.1')).toEqual({ found: false });
    const named = Object.assign(['x'], { extra: 'y' });
    expect(getArg({ named }, 'named.extra')).toEqual({ found: false });
    // An object with numeric keys is an object: its "0" member is a plain own property.
    expect(getArg({ o: { 0: 'zero' } }, 'o.0')).toEqual({ found: true, value: 'zero' });
  });

  it('a getter is refused, never invoked (it could answer differently to the check and to the server)', () => {
    let calls = 0;
    const args = {
      get path() {
        calls++;
        return calls === 1 ? '/data/ok' : '/etc/passwd';
      },
    };
    expect(codeOf(() => getArg(args, 'path'))).toBe('ERR_ARGUMENT_INVALID');
    expect(calls).toBe(0);
  });

  it('non-JSON objects on the way are refused (class instances, Map, functions)', () => {
    class Box {
      path = '/x';
    }
    expect(codeOf(() => getArg({ b: new Box() }, 'b.path'))).toBe('ERR_ARGUMENT_INVALID');
    expect(codeOf(() => getArg(new Map([['path', '/x']]), 'path'))).toBe('ERR_ARGUMENT_INVALID');
    expect(codeOf(() => getArg({ f: () => 1 }, 'f.name'))).toBe('ERR_ARGUMENT_INVALID');
    expect(getArg(Object.create(null) as object, 'a')).toEqual({ found: false });
  });

  it('a malformed constraint path is a caller bug (TypeError)', () => {
    expect(() => getArg({}, '')).toThrow(TypeError);
    expect(() => getArg({}, 'a..b')).toThrow(TypeError);
    expect(() => getArg({}, 'a.b.c.d.e.f.g.h.i')).toThrow(TypeError);
    expect(() => getArg({}, 'a[0]')).toThrow(TypeError);
  });
});
