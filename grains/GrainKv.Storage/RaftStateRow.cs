using System.Data.Common;
using GrainKv.Raft;
using static GrainKv.Storage.UnsignedColumn;

namespace GrainKv.Storage;

/// <summary>The row <see cref="LogStoreSql.SelectState"/> returns, read the same way in every dialect.</summary>
internal static class RaftStateRow
{
    /// <summary>The hard state and configuration of the reader's current row.</summary>
    public static (HardState HardState, ConfState ConfState) Read(DbDataReader reader)
    {
        var hardState = new HardState
        {
            Term = FromColumn(reader.GetInt64(0)),
            Vote = FromColumn(reader.GetInt64(1)),
            Commit = FromColumn(reader.GetInt64(2)),
        };
        var conf = reader.IsDBNull(3) ? new ConfState() : ConfState.Parser.ParseFrom(reader.GetFieldValue<byte[]>(3));
        return (hardState, conf);
    }
}
