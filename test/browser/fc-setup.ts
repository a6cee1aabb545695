// Browser tests draw their random cases from the same commit-derived seed as the workerd tests.
import fc from "fast-check";
import { fastCheckSeed } from "../support/seed";

fc.configureGlobal({ seed: fastCheckSeed().seed });
