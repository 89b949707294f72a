// The hylo command-line tool: `hylo demo`, `hylo version`, `hylo bench engine`.
import Glibc
import HyloCore
import HyloNN
import HyloSBI
import HyloTasks

let arguments = Array(CommandLine.arguments.dropFirst())
// Line-buffered output, so that long benchmarks written to a file show each result as it comes.
setvbuf(stdout, nil, _IOLBF, 0)

func usage() -> Never {
    print("""
    usage: hylo <command>
      demo                 run the built-in demonstration (no downloads)
      version              print the version
      c2st REFERENCE.csv SAMPLES.csv
                           sbibm's C2ST of two sample sets (headerless CSV, z-scored by the reference)
      bench engine [steps] time an MLP training step (the Hylo side of benchmarks/run engine)
      bench ode [repeats]  time UDE gradients through Dopri5 (the Hylo side of benchmarks/run ode)
      bench sbi TASK SBIBM_DIR [--method npe|nle|nre|snpe|snle|snre] [--budget N] [--rounds R] [--epochs E] [--batch B]
                           [--estimator maf|nsf|mdn] [--unbounded true|false] [--observations K] [--out DIR]
                           [--chains C] [--thin T] [--warmup W]
                           NPE, NLE or NRE-B (or sbibm's 10 sequential rounds) on an sbibm task, C2ST against the reference
                           (benchmarks/run sbi and sbi-mcmc)
      bench coverage TASK [--budget N] [--tests N] [--samples N] [--members K] [--estimator maf|nsf] [--strength S] [--pairs P] [--draws L]
                           [--only npe,ensemble,calibrated,conservative,conservative_ensemble]
                           expected coverage of NPE, ensembles and coverage-regularized NPEs (METHOD=coverage benchmarks/run sbi)
      bench aphynity [--train N] [--test N] [--steps N]
                           APHYNITY's damped pendulum (25 + 25 trajectories of 40 steps): ω0 error, forecast MSE
      bench pinn [iterations]
                           time a Burgers PINN's Adam iteration (the Hylo side of benchmarks/run pinn)
      bench burgers [--adam N] [--lbfgs N] [--points N] [--layers L] [--width W] [--hard true]
                    [--refine rar_d]
                           train a Burgers PINN, relative L2 error on the reference grid
      bench reaction [--adam N] [--lbfgs N]
                           recover D and k_f of the diffusion–reaction system (DeepXDE's reaction_inverse)
      bench allen-cahn [--adam N] [--lbfgs N] [--points N] [--layers L] [--width W]
                           train an Allen–Cahn PINN, relative L2 error against the ETDRK4 reference
      bench fno-burgers [--train N] [--test N] [--resolution N] [--epochs E] [--lifting C] [--data DIR]
      bench fno-darcy [--train N] [--test N] [--resolution N] [--epochs E] [--padding P] [--lifting C] [--data DIR]
      bench deeponet [--train N] [--test N] [--epochs E] [--data DIR]
                           train a neural operator on generated data, test error (benchmarks/operators);
                           all three also take [--batch B] [--lr R] [--step-every N] [--step-gamma G]
    """)
    exit(2)
}

/// `--key value` pairs from `start` on.
func flagOptions(from start: Int) -> [String: String] {
    var options: [String: String] = [:]
    var i = start
    while i + 1 < arguments.count { options[arguments[i]] = arguments[i + 1]; i += 2 }
    return options
}

switch arguments.first {
case "demo": runDemo()
case "version": print("hylo 0.1.0")
case "c2st" where arguments.count == 3:
    do { print(c2st(reference: try readCSV(arguments[1]), samples: try readCSV(arguments[2]))) } catch {
        print("hylo c2st: \(error)"); exit(1)
    }
case "bench" where arguments.count >= 2 && arguments[1] == "engine":
    runEngineBenchmark(steps: arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200)
case "bench" where arguments.count >= 2 && arguments[1] == "ode":
    runODEBenchmark(repeats: arguments.count > 2 ? Int(arguments[2]) ?? 50 : 50)
case "bench" where arguments.count >= 2 && arguments[1] == "aphynity":
    runAPHYNITYBenchmark(options: flagOptions(from: 2))
case "bench" where arguments.count >= 4 && arguments[1] == "sbi":
    runSBIBenchmark(task: arguments[2], sbibmRoot: arguments[3], options: flagOptions(from: 4))
case "bench" where arguments.count >= 3 && arguments[1] == "coverage":
    runCoverageBenchmark(task: arguments[2], options: flagOptions(from: 3))
case "bench" where arguments.count >= 2 && arguments[1] == "pinn":
    runPINNBenchmark(iterations: arguments.count > 2 ? Int(arguments[2]) ?? 30 : 30)
case "bench" where arguments.count >= 2 && arguments[1] == "burgers":
    runBurgersAccuracy(options: flagOptions(from: 2))
case "bench" where arguments.count >= 2 && arguments[1] == "reaction":
    runReactionInverse(options: flagOptions(from: 2))
case "bench" where arguments.count >= 2 && arguments[1] == "allen-cahn":
    runAllenCahn(options: flagOptions(from: 2))
case "bench" where arguments.count >= 2 && arguments[1] == "fno-burgers":
    runFNOBurgers(options: flagOptions(from: 2))
case "bench" where arguments.count >= 2 && arguments[1] == "fno-darcy":
    runFNODarcy(options: flagOptions(from: 2))
case "bench" where arguments.count >= 2 && arguments[1] == "deeponet":
    runDeepONetAntiderivative(options: flagOptions(from: 2))
default: usage()
}
