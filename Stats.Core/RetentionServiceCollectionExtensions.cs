using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Stats.Core.Retention;

namespace Stats.Core;

public static class RetentionServiceCollectionExtensions
{
    /// <summary>Registers retention (the purger and its background run, validated settings) and user erasure.</summary>
    public static IHostApplicationBuilder AddStatsRetention(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        builder.Services.AddSingleton<RawEventPurger>();
        builder.Services.AddHostedService<RawEventPurgeService>();
        builder.Services.AddSingleton<UserErasure>();
        return builder;
    }
}
