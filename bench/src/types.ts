export interface ScenarioContext {
  quick: boolean;
  log(message: string): void;
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: ScenarioContext): Promise<Record<string, unknown>>;
}
