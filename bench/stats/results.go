package stats

// EngineCase is what enginebench reports for one K (JSON), and what benchtable reads.
type EngineCase struct {
	K int `json:"k"`
	// Env is the extra CLI environment of the run (-engine-env), if any.
	Env map[string]string `json:"env,omitempty"`
	// Resources is the number of resources the preview plans to create.
	Resources       int       `json:"resources"`
	WithoutMS       []float64 `json:"withoutMs"`
	WithMS          []float64 `json:"withMs"`
	WithoutMedianMS float64   `json:"withoutMedianMs"`
	WithMedianMS    float64   `json:"withMedianMs"`
	Ratio           float64   `json:"ratio"`
	// CPU time (user+sys) of each preview: this process (inline program, stand-in provider,
	// Automation API) plus its waited-for descendants (the CLI and the pack it starts). Much less
	// sensitive than wall time to other load on a shared machine.
	WithoutCPUMS       []float64 `json:"withoutCpuMs"`
	WithCPUMS          []float64 `json:"withCpuMs"`
	WithoutCPUMedianMS float64   `json:"withoutCpuMedianMs"`
	WithCPUMedianMS    float64   `json:"withCpuMedianMs"`
	CPURatio           float64   `json:"cpuRatio"`
	// The same for the null pack (-null-pack), which checks nothing: what any pack costs.
	NullMS          []float64 `json:"nullMs,omitempty"`
	NullCPUMS       []float64 `json:"nullCpuMs,omitempty"`
	NullMedianMS    float64   `json:"nullMedianMs,omitempty"`
	NullCPUMedianMS float64   `json:"nullCpuMedianMs,omitempty"`
	NullRatio       float64   `json:"nullRatio,omitempty"`    // null / without, wall
	NullCPURatio    float64   `json:"nullCpuRatio,omitempty"` // null / without, CPU
	// PolicyResults is the number of (advisory) policy results in the last preview with the pack.
	PolicyResults int `json:"policyResults"`
}

// Startup is what startbench reports (JSON), and what benchtable reads.
type Startup struct {
	Pack string `json:"pack"`
	// StartupMS are the start-to-first-GetAnalyzerInfo times of each run, in milliseconds.
	StartupMS       []float64 `json:"startupMs"`
	StartupMedianMS float64   `json:"startupMedianMs"`
	StartupMinMS    float64   `json:"startupMinMs"`
	// Memory after analysing the K-instance stack.
	K            int     `json:"k"`
	Resources    int     `json:"resources"`
	VmRSSMB      float64 `json:"vmRssMB"`
	VmHWMMB      float64 `json:"vmHwmMB"`
	AnalyzeMS    float64 `json:"analyzeMs"`      // all Remediate+Analyze calls over gRPC, one after the other
	AnalyzeStkMS float64 `json:"analyzeStackMs"` // the AnalyzeStack call over gRPC
	Diagnostics  int     `json:"diagnostics"`
	// PackCPUMS is the CPU time (user+sys) the pack process used for the whole session: start-up,
	// the calls above, the gRPC server and its garbage collector.
	PackCPUMS float64 `json:"packCpuMs"`
}
