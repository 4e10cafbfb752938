using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using YamlDotNet.RepresentationModel;

namespace Grokking.Silo.Tests.Deploy;

/// <summary>The objects `kubectl kustomize` renders for one overlay of deploy/k8s, with lookups by kind and component.</summary>
public sealed class RenderedManifests
{
    private static readonly ConcurrentDictionary<string, Lazy<RenderedManifests>> Cache = new();
    private static readonly TimeSpan KubectlTimeout = TimeSpan.FromSeconds(60);

    private RenderedManifests(string overlay, IReadOnlyList<YamlMappingNode> objects)
    {
        Overlay = overlay;
        Objects = objects;
    }

    /// <summary>The overlay's folder name under deploy/k8s/overlays.</summary>
    public string Overlay { get; }

    /// <summary>Every rendered object, in output order.</summary>
    public IReadOnlyList<YamlMappingNode> Objects { get; }

    /// <summary>The file, relative to deploy/k8s, that the base's secretGenerator reads the Redis password from.
    /// Operators create it (deploy/README.md); git ignores it.</summary>
    public const string PasswordFile = "base/redis-password.env";

    /// <summary>The Redis password the fixture writes into its copies of deploy/k8s: random per test run, in the
    /// form the documented `openssl rand -hex 32` command gives.</summary>
    public static string GeneratedRedisPassword { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Renders deploy/k8s/overlays/<paramref name="overlay"/> once per test run, from a temporary copy of
    /// deploy/k8s holding a generated password file (the repository is never written to).</summary>
    public static RenderedManifests Of(string overlay) =>
        Cache.GetOrAdd(overlay, o => new Lazy<RenderedManifests>(() => Render(o))).Value;

    /// <summary>Runs `kubectl kustomize overlays/<paramref name="overlay"/>` in a temporary copy of deploy/k8s,
    /// with or without the password file; <paramref name="prepare"/> may change the copy (its root) first.</summary>
    public static KustomizeResult RenderCopy(string overlay, bool withPassword, Action<string>? prepare = null)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"grokking-k8s-{Guid.NewGuid():N}");
        try
        {
            CopyTree(Path.Combine(RepositoryRoot(), "deploy", "k8s"), copy);
            // A password file the developer created in the repository must not leak into (or rescue) the copy.
            var passwordFile = Path.Combine(copy, PasswordFile);
            File.Delete(passwordFile);
            // Exactly what `echo "password=$(openssl rand -hex 32)" > ...` writes, newline included.
            if (withPassword) File.WriteAllText(passwordFile, $"password={GeneratedRedisPassword}\n");
            prepare?.Invoke(copy);
            var folder = Path.Combine(copy, "overlays", overlay);
            Assert.True(Directory.Exists(folder), $"overlay folder {folder} is missing");
            return Kubectl("kustomize", folder);
        }
        finally
        {
            try { Directory.Delete(copy, recursive: true); }
            catch (IOException) { }
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    /// <summary>The repository root: the nearest folder above the test binaries that holds Grokking.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Grokking.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Grokking.sln.");
    }

    public IEnumerable<YamlMappingNode> OfKind(string kind) => Objects.Where(o => o.Str("kind") == kind);

    /// <summary>The one object of <paramref name="kind"/> named <paramref name="name"/>.</summary>
    public YamlMappingNode Named(string kind, string name)
    {
        var found = OfKind(kind).Where(o => o.Str("metadata", "name") == name).ToList();
        Assert.True(found.Count == 1, $"{Overlay}: expected one {kind} named '{name}', found {found.Count}; {kind}s: {Names(kind)}");
        return found[0];
    }

    /// <summary>The one workload of <paramref name="kind"/> whose pods carry app.kubernetes.io/component=<paramref name="component"/>.</summary>
    public YamlMappingNode Workload(string kind, string component)
    {
        var found = OfKind(kind).Where(o => Manifest.PodLabels(o).GetValueOrDefault(Manifest.ComponentLabel) == component).ToList();
        Assert.True(found.Count == 1, $"{Overlay}: expected one {kind} with pods labelled {Manifest.ComponentLabel}={component}, found {found.Count}; {kind}s: {Names(kind)}");
        return found[0];
    }

    /// <summary>Every object with a pod template (or, for CronJobs, a job template).</summary>
    public IEnumerable<YamlMappingNode> Workloads() => Objects.Where(o => Manifest.PodSpec(o) is not null);

    private string Names(string kind)
    {
        var names = OfKind(kind).Select(o => o.Str("metadata", "name")).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static RenderedManifests Render(string overlay) => FromResult(overlay, RenderCopy(overlay, withPassword: true));

    /// <summary>The objects of a successful render; fails on a non-zero exit or an empty output.</summary>
    public static RenderedManifests FromResult(string overlay, KustomizeResult result)
    {
        Assert.True(result.ExitCode == 0, $"kubectl kustomize overlays/{overlay} exited {result.ExitCode}: {result.Stderr}");
        var objects = Parse(result.Stdout);
        Assert.True(objects.Count > 0, $"kubectl kustomize overlays/{overlay} rendered no objects");
        return new RenderedManifests(overlay, objects);
    }

    /// <summary>The namespace every namespaced object is rendered into.</summary>
    public string Namespace =>
        Objects.Where(o => o.Str("kind") != "Namespace").Select(o => o.Str("metadata", "namespace")).Distinct().Single() ?? "";

    /// <summary>The objects of a multi-document YAML text.</summary>
    public static IReadOnlyList<YamlMappingNode> Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    private static KustomizeResult Kubectl(params string[] args)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        }
        catch (Win32Exception e)
        {
            Assert.Fail("kubectl is not on PATH. The deploy tests render deploy/k8s with `kubectl kustomize` "
                + "(kubectl bundles kustomize; no cluster is needed): install kubectl and run them again. " + e.Message);
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(KubectlTimeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"kubectl {string.Join(' ', args)} did not finish within {KubectlTimeout.TotalSeconds:0} s");
            }
            process.WaitForExit();
            return new KustomizeResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
    }
}

/// <summary>What one `kubectl kustomize` printed, and how it exited.</summary>
public sealed record KustomizeResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Small readers over Kubernetes objects parsed with YamlDotNet's representation model.</summary>
public static class Manifest
{
    public const string ComponentLabel = "app.kubernetes.io/component";

    /// <summary>The node at a path of mapping keys, or null where any step is missing.</summary>
    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (var key in path)
            node = node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        return node;
    }

    /// <summary>The scalar at a path, or null.</summary>
    public static string? Str(this YamlNode? node, params string[] path) => node.At(path) is YamlScalarNode s ? s.Value : null;

    /// <summary>The mappings of the sequence at a path (empty when there is none).</summary>
    public static IReadOnlyList<YamlMappingNode> Items(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlSequenceNode seq ? seq.Children.OfType<YamlMappingNode>().ToList() : [];

    /// <summary>The scalars of the sequence at a path (empty when there is none).</summary>
    public static IReadOnlyList<string> Strings(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlSequenceNode seq ? seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() : [];

    /// <summary>A string-to-string mapping at a path, such as labels or a selector (empty when there is none).</summary>
    public static IReadOnlyDictionary<string, string> Map(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlMappingNode map
            ? map.Children.Where(c => c.Key is YamlScalarNode && c.Value is YamlScalarNode)
                .ToDictionary(c => ((YamlScalarNode)c.Key).Value ?? "", c => ((YamlScalarNode)c.Value).Value ?? "")
            : new Dictionary<string, string>();

    public static string Name(this YamlNode node) => node.Str("metadata", "name") ?? node.Str("name") ?? "(unnamed)";

    /// <summary>The pod spec of a Pod or a workload (StatefulSet, Deployment, Job, DaemonSet, CronJob), or null.</summary>
    public static YamlMappingNode? PodSpec(YamlNode workload) =>
        (workload.Str("kind") == "Pod" ? workload.At("spec")
            : workload.At("spec", "template", "spec") ?? workload.At("spec", "jobTemplate", "spec", "template", "spec")) as YamlMappingNode;

    /// <summary>The labels its pods carry.</summary>
    public static IReadOnlyDictionary<string, string> PodLabels(YamlNode workload) =>
        workload.Str("kind") == "Pod" ? workload.Map("metadata", "labels")
            : workload.At("spec", "template") is not null ? workload.Map("spec", "template", "metadata", "labels")
            : workload.Map("spec", "jobTemplate", "spec", "template", "metadata", "labels");

    /// <summary>Containers and init containers of a workload's pods.</summary>
    public static IReadOnlyList<YamlMappingNode> Containers(YamlNode workload)
    {
        var pod = PodSpec(workload);
        return [.. pod.Items("initContainers"), .. pod.Items("containers")];
    }

    /// <summary>The one container named <paramref name="name"/>, or the only container when no name is given.</summary>
    public static YamlMappingNode Container(YamlNode workload, string? name = null)
    {
        var containers = PodSpec(workload).Items("containers").Where(c => name is null || c.Str("name") == name).ToList();
        Assert.True(containers.Count == 1, $"{workload.Name()}: expected one container{(name is null ? "" : $" named {name}")}, found {containers.Count}");
        return containers[0];
    }

    /// <summary>The env entry named <paramref name="name"/>; fails when it is missing.</summary>
    public static YamlMappingNode Env(YamlMappingNode container, string name)
    {
        var entry = container.Items("env").FirstOrDefault(e => e.Str("name") == name);
        Assert.True(entry is not null, $"container {container.Name()} has no env {name}; it has: {string.Join(", ", container.Items("env").Select(e => e.Str("name")))}");
        return entry;
    }

    /// <summary>Position of an env entry in the container's env list (-1 when absent).</summary>
    public static int EnvIndex(YamlMappingNode container, string name)
    {
        var env = container.Items("env");
        for (var i = 0; i < env.Count; i++)
            if (env[i].Str("name") == name) return i;
        return -1;
    }

    /// <summary>A resource quantity of a container, e.g. (limits, nvidia.com/gpu), or null.</summary>
    public static string? Resource(YamlMappingNode container, string kind, string resource) =>
        container.Map("resources", kind).GetValueOrDefault(resource);

    /// <summary>The number a probe's httpGet port resolves to (a number, or a named container port).</summary>
    public static int? ProbePort(YamlMappingNode container, string probe)
    {
        var port = container.Str(probe, "httpGet", "port");
        if (port is null) return null;
        if (int.TryParse(port, out var number)) return number;
        var named = container.Items("ports").FirstOrDefault(p => p.Str("name") == port)?.Str("containerPort");
        return named is null ? null : int.Parse(named, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The pod volume names that refer to PersistentVolumeClaim <paramref name="claim"/>.</summary>
    public static IReadOnlyList<string> VolumesForClaim(YamlNode workload, string claim) =>
        PodSpec(workload).Items("volumes").Where(v => v.Str("persistentVolumeClaim", "claimName") == claim).Select(v => v.Str("name") ?? "").ToList();

    /// <summary>Where <paramref name="container"/> mounts volume <paramref name="volume"/>, or null.</summary>
    public static string? MountPath(YamlMappingNode container, string volume) =>
        container.Items("volumeMounts").FirstOrDefault(m => m.Str("name") == volume)?.Str("mountPath");

    /// <summary>Whether every label of <paramref name="selector"/> is among <paramref name="labels"/> (an empty selector selects nothing here).</summary>
    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);

    /// <summary>A container's security setting, falling back to the pod's securityContext as Kubernetes does.</summary>
    public static string? Security(YamlNode workload, YamlMappingNode container, string field) =>
        container.Str("securityContext", field) ?? PodSpec(workload).Str("securityContext", field);
}

/// <summary>A pod as NetworkPolicies see it: its labels and its namespace (whose only label is taken to be
/// kubernetes.io/metadata.name, the one the API server sets on every namespace).</summary>
public sealed record PodRef(string Namespace, IReadOnlyDictionary<string, string> Labels)
{
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    public IReadOnlyDictionary<string, string> NamespaceLabels => new Dictionary<string, string> { [NamespaceNameLabel] = Namespace };

    public override string ToString() => $"{Namespace}/{string.Join(",", Labels.Select(l => $"{l.Key}={l.Value}"))}";
}

/// <summary>Evaluates the rendered NetworkPolicies the way Kubernetes defines them (pod-to-pod traffic only:
/// ipBlocks match no pod here). A connection is allowed when the source's egress policies and the
/// destination's ingress policies both allow it; a pod no policy of a direction selects is open in it.</summary>
public static class NetworkModel
{
    /// <summary>Whether <paramref name="from"/> may open a connection to <paramref name="to"/> on port/protocol.</summary>
    public static bool Allowed(RenderedManifests m, PodRef from, PodRef to, int port, string protocol = "TCP") =>
        Side(m, from, "Egress", "egress", "to", to, port, protocol) && Side(m, to, "Ingress", "ingress", "from", from, port, protocol);

    /// <summary>Policies of the pod's namespace that select it.</summary>
    public static IEnumerable<YamlMappingNode> PoliciesSelecting(RenderedManifests m, PodRef pod) =>
        m.OfKind("NetworkPolicy").Where(p => (p.Str("metadata", "namespace") ?? "") == pod.Namespace
            && SelectorMatches(p.At("spec", "podSelector"), pod.Labels));

    /// <summary>The policy types a policy has (Kubernetes' default when policyTypes is absent).</summary>
    public static IReadOnlyList<string> Types(YamlMappingNode policy)
    {
        var types = policy.Strings("spec", "policyTypes");
        if (types.Count > 0) return types;
        return policy.At("spec", "egress") is not null ? ["Ingress", "Egress"] : ["Ingress"];
    }

    private static bool Side(RenderedManifests m, PodRef pod, string type, string rulesKey, string peersKey, PodRef peer, int port, string protocol)
    {
        var policies = PoliciesSelecting(m, pod).Where(p => Types(p).Contains(type)).ToList();
        if (policies.Count == 0) return true;
        return policies.Any(p => p.Items("spec", rulesKey).Any(rule =>
            PortMatches(rule, port, protocol)
            && (rule.At(peersKey) is null || rule.Items(peersKey).Any(q => PeerMatches(q, p.Str("metadata", "namespace") ?? "", peer)))));
    }

    private static bool PortMatches(YamlMappingNode rule, int port, string protocol)
    {
        if (rule.At("ports") is null) return true;
        return rule.Items("ports").Any(p =>
            (p.Str("protocol") ?? "TCP") == protocol
            && (p.Str("port") is not { } number || number == port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>A NetworkPolicy peer: namespaceSelector and podSelector both apply; a missing namespaceSelector means
    /// the policy's own namespace; an ipBlock matches no pod here.</summary>
    public static bool PeerMatches(YamlMappingNode peer, string policyNamespace, PodRef pod)
    {
        if (peer.At("ipBlock") is not null) return false;
        var ns = peer.At("namespaceSelector");
        var pods = peer.At("podSelector");
        if (ns is null && pods is null) return false;
        var namespaceOk = ns is null ? pod.Namespace == policyNamespace : SelectorMatches(ns, pod.NamespaceLabels);
        return namespaceOk && (pods is null || SelectorMatches(pods, pod.Labels));
    }

    /// <summary>A Kubernetes label selector: every matchLabels entry and every matchExpressions requirement holds;
    /// an empty selector ({}) matches everything.</summary>
    public static bool SelectorMatches(YamlNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null) return false;
        if (!selector.Map("matchLabels").All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)) return false;
        return selector.Items("matchExpressions").All(e =>
        {
            var key = e.Str("key") ?? "";
            var values = e.Strings("values");
            var has = labels.TryGetValue(key, out var value);
            return e.Str("operator") switch
            {
                "In" => has && values.Contains(value!),
                "NotIn" => !has || !values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                var op => throw new InvalidOperationException($"unknown selector operator {op}"),
            };
        });
    }
}
