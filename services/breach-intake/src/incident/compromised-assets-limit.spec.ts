import { MAX_COMPROMISED_ASSETS, compromisedAssetsOverLimit } from './compromised-assets-limit';

describe('compromisedAssetsOverLimit', () => {
  it('accepts up to the limit', () => {
    expect(compromisedAssetsOverLimit(1)).toBeNull();
    expect(compromisedAssetsOverLimit(MAX_COMPROMISED_ASSETS)).toBeNull();
  });

  it('refuses one more than the limit, naming the count and the limit', () => {
    expect(compromisedAssetsOverLimit(MAX_COMPROMISED_ASSETS + 1)).toBe(
      `compromised_assets has ${MAX_COMPROMISED_ASSETS + 1} entries; at most ${MAX_COMPROMISED_ASSETS} are accepted`,
    );
  });
});
