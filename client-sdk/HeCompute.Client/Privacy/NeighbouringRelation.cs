namespace HeCompute.Client.Privacy;

/// <summary>Which datasets count as neighbours in the differential-privacy guarantee.</summary>
public enum NeighbouringRelation
{
    /// <summary>Unbounded DP: one dataset has one record more than the other (the record count is private).</summary>
    AddRemove,

    /// <summary>Bounded DP: one record is replaced by another (the record count n is public).</summary>
    Replace,
}
