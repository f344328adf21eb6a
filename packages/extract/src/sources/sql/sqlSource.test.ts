import { engineOf } from './sqlSource';

describe('engineOf', () => {
  it('reads the engine from the connection URL scheme', () => {
    expect(engineOf('postgres://u:p@db:5432/shop')).toBe('postgres');
    expect(engineOf('postgresql://db/shop')).toBe('postgres');
    expect(engineOf('mysql://root@127.0.0.1:3306/test')).toBe('mysql');
    expect(engineOf('mariadb://root@127.0.0.1/test')).toBe('mysql');
  });

  it('refuses another scheme without repeating the URL, which may hold a password', () => {
    expect(() => engineOf('oracle://scott:tiger@db/x')).toThrow('its scheme is "oracle"');
    expect(() => engineOf('scott:tiger@db')).toThrow('its scheme is missing');
    expect(() => engineOf('scott:tiger@db')).not.toThrow(/tiger/);
  });
});
