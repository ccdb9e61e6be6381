import { ConfigValidationError, env, loadConfig } from './load-config';

describe(loadConfig.name, () => {
  const shape = {
    PORT: env.port(3000),
    KAFKA_BROKERS: env.list('127.0.0.1:9092'),
    SECRET: env.string(),
    DRY: env.bool(false),
  };

  it('applies defaults and parses types', () => {
    const sut = loadConfig(shape, { SECRET: 's3cret' });
    expect(sut).toEqual({ PORT: 3000, KAFKA_BROKERS: ['127.0.0.1:9092'], SECRET: 's3cret', DRY: false });
  });

  it('names every bad variable and never echoes values', () => {
    const attempt = () => loadConfig(shape, { PORT: 'seventy', DRY: 'perhaps', SECRET: '' });
    expect(attempt).toThrow(ConfigValidationError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('SECRET');
      expect(message).toContain('DRY');
      expect(message).not.toContain('seventy');
      expect(message).not.toContain('perhaps');
    }
  });

  it('splits lists on commas and drops blanks', () => {
    expect(loadConfig(shape, { SECRET: 'x', KAFKA_BROKERS: 'a:1, b:2,,' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });
});
