namespace GrainKv.Runtime;

/// <summary>Takes a grain call to the silo its grain lives on and completes the call with the answer.</summary>
internal interface IGrainCallSender
{
    void Send(GrainCall call);
}
