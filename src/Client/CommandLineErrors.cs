using System.CommandLine;
using System.CommandLine.Parsing;

namespace Grokking.Client;

/// <summary>
/// Turns System.CommandLine's parse errors into one message that names what is wrong and what is accepted: the
/// parser reports some single mistakes twice (an unknown command is also a missing one) and names .NET types.
/// </summary>
public static class CommandLineErrors
{
    /// <summary>The one message for a command line that did not parse (without the "error: " prefix).</summary>
    public static string Describe(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var name = CommandName(parsed.CommandResult);
        if (parsed.UnmatchedTokens.Count > 0)
        {
            var token = parsed.UnmatchedTokens[0];
            if (token.StartsWith('-'))
                return $"{name}: unknown option '{token}'; accepted: {string.Join(", ", OptionNames(command))}.";
            if (command.Subcommands.Count > 0)
                return $"unknown command '{token}'; accepted: {string.Join(", ", command.Subcommands.Select(c => c.Name))}.";
            return $"{name}: unexpected argument '{token}'; usage: {Usage(name, command)}.";
        }
        // Messages of our own parsers (e.g. --slots) already say what is accepted; they are reported before the generic ones.
        var own = parsed.Errors.FirstOrDefault(e => e.SymbolResult is OptionResult or ArgumentResult && e.Message.StartsWith('-'));
        if (own is not null) return own.Message.TrimEnd();
        if (command.Subcommands.Count > 0 && command.Arguments.Count == 0)
            return $"no command given; accepted: {string.Join(", ", command.Subcommands.Select(c => c.Name))}.";
        foreach (var error in parsed.Errors)
        {
            // An option given without its value: --out at the end of the line.
            if (error.SymbolResult is OptionResult { Option: var option } && Missing(error.SymbolResult))
                return $"{name}: {option.Name} needs a value: {Describe(option)}.";
            if (error.SymbolResult is ArgumentResult { Parent: OptionResult { Option: var owner } } argument && Missing(argument))
                return $"{name}: {owner.Name} needs a value: {Describe(owner)}.";
        }
        var missing = command.Arguments.FirstOrDefault(a => parsed.GetResult(a) is not ArgumentResult { Tokens.Count: > 0 });
        if (missing is not null)
            return $"{name}: missing {missing.Name.ToUpperInvariant()}, {missing.Description?.TrimEnd('.')}; usage: {Usage(name, command)}.";
        return $"{name}: {parsed.Errors[0].Message.TrimEnd()}";
    }

    /// <summary>Where to read more, for the line after the error.</summary>
    public static string HelpHint(ParseResult parsed) =>
        $"Run '{CommandName(parsed.CommandResult)} --help' for usage.";

    private static bool Missing(SymbolResult result) => result.Tokens.Count == 0;

    private static string Describe(Option option) => option.Description?.TrimEnd('.') ?? option.Name;

    private static string CommandName(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? at = result; at is not null; at = at.Parent)
            if (at is CommandResult c) names.Insert(0, c.Command is RootCommand ? "grokking" : c.Command.Name);
        return string.Join(' ', names);
    }

    private static IEnumerable<string> OptionNames(Command command) =>
        command.Options.Where(o => !o.Hidden).Select(o => o.Name).Append("--help").Distinct();

    private static string Usage(string name, Command command)
    {
        var arguments = command.Arguments.Select(a => a.Name.ToUpperInvariant());
        return string.Join(' ', new[] { name }.Concat(arguments).Append("[options]"));
    }
}
