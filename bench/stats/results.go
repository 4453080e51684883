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
	// The pack process itself in each preview with it (and with the null pack), from the
	// kernel's rusage when it exited (packrss): peak resident set (MiB) and CPU time (ms).
	PackPeakRSSMiB           []float64 `json:"packPeakRssMiB"`
	PackCPUMS                []float64 `json:"packCpuMs"`
	PackPeakRSSMedianMiB     float64   `json:"packPeakRssMedianMiB"`
	PackCPUMedianMS          float64   `json:"packCpuMedianMs"`
	NullPackPeakRSSMiB       []float64 `json:"nullPackPeakRssMiB,omitempty"`
	NullPackCPUMS            []float64 `json:"nullPackCpuMs,omitempty"`
	NullPackPeakRSSMedianMiB float64   `json:"nullPackPeakRssMedianMiB,omitempty"`
	NullPackCPUMedianMS      float64   `json:"nullPackCpuMedianMs,omitempty"`
	// PolicyResults is the number of (advisory) policy results in the last preview with the pack.
	PolicyResults int `json:"policyResults"`
}

// Startup is what startbench reports (JSON), and what benchtable reads: the pack and the null
// pack (the floor), measured alike.
type Startup struct {
	K         int `json:"k"`
	Resources int `json:"resources"`
	Ours      Arm `json:"ours"`
	Null      Arm `json:"null"`
}

// Arm is one executable's measurements, run by run, and their medians (Summarize).
type Arm struct {
	Path string `json:"path"`
	// Start-ups, in milliseconds from exec: to the port line on stdout, to the first answer
	// (GetPluginInfo), to GetAnalyzerInfo answered after it; the pack process's CPU time (user
	// and system, every thread) and peak resident set (MiB) at that moment.
	PortMS      []float64 `json:"portMs"`
	FirstMS     []float64 `json:"firstMs"`
	InfoMS      []float64 `json:"infoMs"`
	StartCPUMS  []float64 `json:"startCpuMs"`
	StartHWMMiB []float64 `json:"startHwmMiB"`
	// Sessions over the K-instance stack: peak and current resident set (MiB) at the end, the
	// Remediate+Analyze calls and the AnalyzeStack call (wall, both ends), and the pack process's
	// CPU time for the whole session.
	HWMMiB         []float64 `json:"hwmMiB"`
	RSSMiB         []float64 `json:"rssMiB"`
	AnonMiB        []float64 `json:"anonMiB"` // the anonymous part of RSSMiB (heap, stacks, runtime)
	AnalyzeMS      []float64 `json:"analyzeMs"`
	AnalyzeStackMS []float64 `json:"analyzeStackMs"`
	SessionCPUMS   []float64 `json:"sessionCpuMs"`
	// Inits is, per start with GODEBUG=inittrace=1, the package initialisation by group ("pack",
	// "pulumi", "grpc" for google.golang.org, "other").
	Inits []map[string]Init `json:"inits"`
	// Diagnostics is the number of diagnostics of the last session.
	Diagnostics int `json:"diagnostics"`

	Median Medians `json:"median"`
}

// Medians are the medians of an Arm's measurements.
type Medians struct {
	PortMS, FirstMS, InfoMS, StartCPUMS, StartHWMMiB                 float64
	HWMMiB, RSSMiB, AnonMiB, AnalyzeMS, AnalyzeStackMS, SessionCPUMS float64
	Inits                                                            map[string]Init
}

// Init is what package initialisation cost: wall time (ms) and allocated MiB.
type Init struct {
	MS  float64 `json:"ms"`
	MiB float64 `json:"mib"`
}

// InitTotal sums the groups.
func (m Medians) InitTotal() Init {
	var t Init
	for _, in := range m.Inits {
		t.MS += in.MS
		t.MiB += in.MiB
	}
	return t
}

// Summarize fills Median.
func (a *Arm) Summarize() {
	a.Median = Medians{
		PortMS: Median(a.PortMS), FirstMS: Median(a.FirstMS), InfoMS: Median(a.InfoMS), StartCPUMS: Median(a.StartCPUMS),
		StartHWMMiB: Median(a.StartHWMMiB), HWMMiB: Median(a.HWMMiB), RSSMiB: Median(a.RSSMiB), AnonMiB: Median(a.AnonMiB),
		AnalyzeMS: Median(a.AnalyzeMS), AnalyzeStackMS: Median(a.AnalyzeStackMS), SessionCPUMS: Median(a.SessionCPUMS),
		Inits: map[string]Init{},
	}
	groups := map[string]bool{}
	for _, in := range a.Inits {
		for g := range in {
			groups[g] = true
		}
	}
	for g := range groups {
		var ms, mib []float64
		for _, in := range a.Inits {
			ms, mib = append(ms, in[g].MS), append(mib, in[g].MiB)
		}
		a.Median.Inits[g] = Init{MS: Median(ms), MiB: Median(mib)}
	}
}

// PackUsage is what packrss records about one pack process, from the kernel's rusage when it
// exited: its peak resident set, CPU time (user + system) and lifetime.
type PackUsage struct {
	PeakRSSMiB float64 `json:"peakRssMiB"`
	CPUMS      float64 `json:"cpuMs"`
	WallMS     float64 `json:"wallMs"`
}
