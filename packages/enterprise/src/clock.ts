/** Time as the enterprise services see it. Injected through the plugin's programmatic options (tests use a fake). */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
