import Testing
import HyloTasks

/// APHYNITY on the damped pendulum with a frictionless physics prior (HyloTasks.DampedPendulum):
/// the network must take the friction, and ω0 stay physical. Ten training and ten test
/// trajectories of 20 steps here; the paper's 25 + 25 of 40 steps run as `hylo bench aphynity`
/// (ctest `aphynity_pendulum`).
@Suite struct APHYNITYTests {
    @Test func aphynityRecoversTheFrequencyAndForecasts() throws {
        let outcome = try DampedPendulum.experiment(train: 10, test: 10, steps: 20)
        #expect(outcome.omega0Error < 0.04, "ω0 relative error \(outcome.omega0Error); data loss \(outcome.dataLoss)")
        #expect(outcome.hybridMSE < outcome.physicsMSE / 10, "forecast MSE \(outcome.hybridMSE) vs physics alone \(outcome.physicsMSE)")
    }
}
