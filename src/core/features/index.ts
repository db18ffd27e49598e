export * from './attack-taxonomy';
export * from './feature-names';
export * from './feature-vector';
export * from './fitted-transform';
export * from './flow-csv-reader';
export * from './flow-dialects';
export * from './header-normaliser';
export * from './label-normaliser';
